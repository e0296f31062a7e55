import CSQLite

/// Why a storage operation failed. Carries SQLite's extended result code when SQLite
/// said so; `message` is for logs and is sent to a caller only for `invalidArgument` and
/// `archived`, whose messages are written for one.
public struct StorageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, as a raw-value struct so new kinds can be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// SQLite returned an error; see `sqliteCode`.
        public static let sqlite = Code(rawValue: "sqlite")
        /// The write queue is full: try again later.
        public static let overloaded = Code(rawValue: "overloaded")
        /// The caller's deadline passed while waiting (for a read connection, say).
        public static let deadlineExceeded = Code(rawValue: "deadline exceeded")
        /// The caller's task was cancelled; a running statement was interrupted.
        public static let cancelled = Code(rawValue: "cancelled")
        /// The store was closed.
        public static let closed = Code(rawValue: "closed")
        /// The database's schema cannot be used by this build (tampered or newer).
        public static let incompatibleSchema = Code(rawValue: "incompatible schema")
        /// A uniqueness rule refused the write (an email already taken, say).
        public static let conflict = Code(rawValue: "conflict")
        /// What the operation needs does not exist.
        public static let notFound = Code(rawValue: "not found")
        /// The request cannot be carried out as given (a backup path that exists, say).
        public static let invalidArgument = Code(rawValue: "invalid argument")
        /// The disk holding the database is full: writes fail until space is freed; reads go on.
        public static let storageFull = Code(rawValue: "storage full")
        /// The operating system failed to read or write the database file.
        public static let ioFailure = Code(rawValue: "I/O failure")
        /// Another store (another `lecternd`) has the database file open for writing.
        public static let inUse = Code(rawValue: "in use")
        /// What was asked for was moved out by ArchiveEvents; the message says from where
        /// to go on.
        public static let archived = Code(rawValue: "archived")

        public var description: String { rawValue }
    }

    public var code: Code
    /// SQLite's extended result code, or 0 when SQLite is not the cause.
    public var sqliteCode: Int32
    public var message: String

    public init(_ code: Code, _ message: String, sqliteCode: Int32 = 0) {
        self.code = code
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// The error SQLite reports for `result` on `connection`.
    static func sqlite(_ result: Int32, _ connection: OpaquePointer?, _ context: String) -> StorageError {
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? result
        let detail = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(result))
        switch result & 0xFF {
        case SQLITE_INTERRUPT:
            return StorageError(.cancelled, "\(context): interrupted", sqliteCode: extended)
        case SQLITE_CONSTRAINT where extended == lectern_sqlite_constraint_unique || extended == lectern_sqlite_constraint_primarykey:
            return StorageError(.conflict, "\(context): \(detail)", sqliteCode: extended)
        case SQLITE_CONSTRAINT where extended == lectern_sqlite_constraint_foreignkey:
            return StorageError(.notFound, "\(context): a referenced row does not exist (\(detail))", sqliteCode: extended)
        case SQLITE_FULL:
            return StorageError(.storageFull, "\(context): \(detail)", sqliteCode: extended)
        case SQLITE_IOERR:
            return StorageError(.ioFailure, "\(context): \(detail)", sqliteCode: extended)
        default:
            return StorageError(.sqlite, "\(context): \(detail)", sqliteCode: extended)
        }
    }

    /// SQLite's primary result code (the low byte of the extended one).
    public var primarySQLiteCode: Int32 { sqliteCode & 0xFF }

    public var description: String {
        sqliteCode == 0 ? "\(code): \(message)" : "\(code) (SQLite \(sqliteCode)): \(message)"
    }
}
