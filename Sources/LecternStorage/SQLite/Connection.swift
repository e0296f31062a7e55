import CSQLite
import Foundation
import LecternLocks

/// One SQLite connection and its cache of prepared statements.
///
/// Not `Sendable`: a connection has exactly one owner at a time (the writer thread, or
/// the read-pool slot lent to one caller). Opened with `SQLITE_OPEN_NOMUTEX` because
/// that ownership, not SQLite's mutexes, keeps it single-threaded.
final class Connection {
    let handle: OpaquePointer
    let path: String
    private var statements: [String: Statement] = [:]

    /// Process-wide settings, made once before the first connection opens: no memory
    /// statistics, whose mutex every SQLite allocation and free of every thread takes.
    private static let processSettings: Void = {
        _ = lectern_sqlite_disable_memory_statistics()
    }()

    /// Opens `path`, creating the file when `readOnly` is false.
    init(path: String, readOnly: Bool) throws(StorageError) {
        Self.processSettings
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            | (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let error = StorageError.sqlite(result, handle, "open \(path)")
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        self.path = path
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// A handle another thread may use to interrupt this connection's running statement.
    var interrupter: Interrupter { Interrupter(handle: handle) }

    /// Runs one or more SQL statements that return no rows of interest.
    func execute(_ sql: String) throws(StorageError) {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        sqlite3_free(message)
        guard result == SQLITE_OK else { throw StorageError.sqlite(result, handle, "execute") }
    }

    /// The cached prepared statement for `sql`, reset and ready to bind.
    ///
    /// In debug builds `sql` must be one of `SQL.all` (or a PRAGMA), so that the query-plan
    /// test sees every statement the store runs; `listed: false` is for tests' own queries.
    func prepare(_ sql: String, listed: Bool = true) throws(StorageError) -> Statement {
        if let statement = statements[sql] { return statement }
        assert(!listed || SQL.known.contains(sql) || sql.hasPrefix("PRAGMA"), "SQL missing from SQL.all: \(sql)")
        let statement = try Statement(connection: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs `sql` with `values` bound, discarding any rows.
    func run(_ sql: String, _ values: SQLValue...) throws(StorageError) {
        let statement = try prepare(sql)
        defer { statement.reset() }
        statement.bind(values)
        while try statement.step() {}
    }

    /// Runs `sql` with `values` bound and maps each row.
    func query<T>(_ sql: String, _ values: [SQLValue] = [], _ row: (Statement) throws(StorageError) -> T) throws(StorageError) -> [T] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        statement.bind(values)
        var rows: [T] = []
        while try statement.step() { rows.append(try row(statement)) }
        return rows
    }

    /// Runs `sql` with `values` bound and maps each row, until `stop` says the last row
    /// mapped is the last one wanted.
    func query<T>(
        _ sql: String, _ values: [SQLValue], until stop: (T) -> Bool, _ row: (Statement) throws(StorageError) -> T
    ) throws(StorageError) -> [T] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        statement.bind(values)
        var rows: [T] = []
        while try statement.step() {
            let mapped = try row(statement)
            rows.append(mapped)
            if stop(mapped) { break }
        }
        return rows
    }

    /// The first row of `sql`, mapped, or nil.
    func queryFirst<T>(_ sql: String, _ values: [SQLValue] = [], _ row: (Statement) throws(StorageError) -> T) throws(StorageError) -> T? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        statement.bind(values)
        return try statement.step() ? try row(statement) : nil
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether no transaction is open (SQLite may roll one back by itself after an I/O error).
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Applies the pragmas every Lectern connection runs with.
    func configure(_ configuration: StoreConfiguration, role: Role) throws(StorageError) {
        var pragmas: [String] = []
        if role == .writer {
            // Readers never block the writer nor each other, and a commit is one append to
            // the WAL (https://www.sqlite.org/wal.html). Persistent: set once by the writer.
            pragmas.append("PRAGMA journal_mode = WAL")
            // Bounds the WAL file left after a checkpoint, so one burst does not keep the
            // disk space (https://www.sqlite.org/pragma.html#pragma_journal_size_limit).
            pragmas.append("PRAGMA journal_size_limit = \(configuration.journalSizeLimitBytes)")
            // No automatic checkpoint inside a commit: the writer's WAL hook asks the
            // Checkpointer's thread for one instead (WriterQueue), so no write waits for it.
        }
        // What a commit promises; see DurabilityMode for NORMAL versus FULL in WAL mode.
        pragmas.append("PRAGMA synchronous = \(configuration.durability.synchronousPragma)")
        // The schema's REFERENCES clauses are enforced, so no event outlives its reader.
        pragmas.append("PRAGMA foreign_keys = ON")
        // Page cache per connection, negative meaning KiB (https://www.sqlite.org/pragma.html#pragma_cache_size).
        pragmas.append("PRAGMA cache_size = -\(role == .writer ? configuration.writerCacheKiB : configuration.readerCacheKiB)")
        // Off by default: in WAL mode every commit makes each reader unmap and map again
        // (see StoreConfiguration.mmapSizeBytes).
        pragmas.append("PRAGMA mmap_size = \(configuration.mmapSizeBytes)")
        // Sorts and temporary indexes stay in memory: they are small for our queries.
        pragmas.append("PRAGMA temp_store = MEMORY")
        if role == .reader {
            // A read connection refuses to write, whatever a query says.
            pragmas.append("PRAGMA query_only = ON")
        }
        if role == .checkpointer {
            // It only copies WAL pages into the database; it runs no statement.
            pragmas.append("PRAGMA query_only = ON")
        }
        // Waits this long for a lock instead of failing with SQLITE_BUSY: only a checkpoint
        // or a backup ever competes with the single writer. Set first: `journal_mode` can
        // meet the lock of another process closing its last connection to the file.
        sqlite3_busy_timeout(handle, Int32(configuration.busyTimeoutMs))
        for pragma in pragmas { try execute(pragma) }
    }

    enum Role {
        case writer
        case reader
        /// The background checkpointer's connection.
        case checkpointer
    }
}

/// Interrupts a connection's running statement from any thread: `sqlite3_interrupt` is
/// the one call SQLite allows from another thread (https://www.sqlite.org/c3ref/interrupt.html).
struct Interrupter: @unchecked Sendable {
    // @unchecked: the handle is only passed to sqlite3_interrupt, which is thread-safe.
    let handle: OpaquePointer

    func interrupt() { sqlite3_interrupt(handle) }
}

extension Connection {
    /// Starts a thread named `name` that owns this connection from now on and runs `body`
    /// with it (the writer, a pool thread, the checkpointer), then `finished` once the
    /// connection is closed: whoever waits for `finished` may open the file again at once.
    /// (Closing a process's last connection checkpoints the WAL under an exclusive lock.)
    func startOwningThread(
        named name: String, _ body: @escaping @Sendable (Connection) -> Void, finished: @escaping @Sendable () -> Void
    ) {
        let handedOver = HandedOverConnection(self)
        startThread(named: name) {
            // The taken connection lives until the end of this statement, its only owner.
            body(handedOver.take())
            finished()
        }
    }
}

/// Carries a connection to the thread that will own it.
private final class HandedOverConnection: @unchecked Sendable {
    // @unchecked: written once before the thread starts, taken once by that thread.
    private var connection: Connection?

    init(_ connection: Connection) { self.connection = connection }

    func take() -> Connection {
        guard let connection else { preconditionFailure("a connection was taken twice") }
        self.connection = nil
        return connection
    }
}
