import CSQLite
import Dispatch
import Foundation

/// The `Store` on one SQLite file in WAL mode: one `WriterQueue` owning the only write
/// connection, a `ReadPool` of read-only connections.
public final class SQLiteStore: Store {
    public let configuration: StoreConfiguration
    let writer: WriterQueue
    let readers: ReadPool

    private let lock: DatabaseLock

    private init(configuration: StoreConfiguration, writer: WriterQueue, readers: ReadPool, lock: DatabaseLock) {
        self.configuration = configuration
        self.writer = writer
        self.readers = readers
        self.lock = lock
    }

    /// Opens (or creates) the database, brings its schema up to date and starts the
    /// writer and the read pool. Runs off the cooperative thread pool.
    /// - Parameter willMigrate: told of each migration (version, name) before it runs.
    /// - Throws: `incompatibleSchema` for a database this build must not touch.
    public static func open(
        _ configuration: StoreConfiguration, willMigrate: @escaping @Sendable (Int, String) -> Void = { _, _ in }
    ) async throws -> SQLiteStore {
        precondition(configuration.readConnections > 0, "a store needs at least one read connection")
        return try await onBackgroundQueue {
            func connection(_ role: Connection.Role) throws(StorageError) -> Connection {
                let connection = try Connection(path: configuration.path, readOnly: role == .reader)
                try connection.configure(configuration, role: role)
                return connection
            }
            let writeConnection: Connection
            let lock: DatabaseLock
            do throws(StorageError) {
                // Opening creates the file; the lock comes before anything is written to it
                // (and goes with this scope if anything below fails).
                writeConnection = try Connection(path: configuration.path, readOnly: false)
                lock = try DatabaseLock(path: configuration.path)
                try Migrator.lectern.checkOwnership(writeConnection)
                try writeConnection.configure(configuration, role: .writer)
                try Migrator.lectern.migrate(writeConnection, nowMs: currentTimeMs()) { willMigrate($0.version, $0.name) }
            } catch {
                throw StorageError(error.code, "\(configuration.path): \(error.message)", sqliteCode: error.sqliteCode)
            }
            let position = try writeConnection.queryFirst(SQL.feedPosition, []) { $0.int64(0) } ?? 0
            let commits = CommitCounter()
            return SQLiteStore(
                configuration: configuration,
                writer: WriterQueue(
                    connection: writeConnection, checkpointConnection: try connection(.checkpointer),
                    configuration: configuration, position: position, commits: commits
                ),
                readers: ReadPool(
                    connections: try (0..<configuration.readConnections).map { _ in try connection(.reader) },
                    directConnections: try (0..<max(0, configuration.directReadConnections)).map { _ in try connection(.reader) },
                    commits: commits, snapshotMaxAge: configuration.snapshotMaxAge
                ),
                lock: lock
            )
        }
    }

    public func close() async {
        readers.close()
        await Self.onBackgroundQueue { [writer] in writer.close() }
        lock.release()
    }

    /// Runs blocking work (opening the file and migrating it, closing the writer) on a serial
    /// Dispatch queue of its own, never on the cooperative pool. On Linux
    /// `DispatchQueue.global()` is that pool's threads, as many as there are cores; a queue
    /// of its own runs on Dispatch's overcommit threads, made when needed.
    static func onBackgroundQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "lectern.store.blocking").async { continuation.resume(with: Result { try work() }) }
        }
    }

    static func onBackgroundQueue(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "lectern.store.blocking").async {
                work()
                continuation.resume()
            }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await readers.read(deadline: StoreDeadline.current, body)
    }

    /// A read of one row by its key, in one statement: on the caller's thread when a direct
    /// connection is free.
    func pointRead<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await readers.pointRead(deadline: StoreDeadline.current, body)
    }

    /// Rows up to which a page is read like a point read.
    static let directPageRows = 100

    /// A page of up to `limit` rows from one range of an index, in one statement: read like a
    /// point read when `limit` is at most `directPageRows`. Such a page takes tens of
    /// microseconds (a 50-event page, 25 µs at the median), no more than the two thread
    /// wake-ups of a hop to a pool thread and back; it is bounded by its rows and by
    /// `stopAfterBytes`, so it cannot hold the caller's thread for long, and it is not
    /// interrupted when its task is cancelled. A larger page, or a statement that may step
    /// over rows it does not return, goes through the pool.
    func pageRead<T: Sendable>(limit: Int, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await limit <= Self.directPageRows ? pointRead(body) : read(body)
    }

    public func subscribe(_ subscriber: @escaping @Sendable (CommittedBatch) -> Void) {
        writer.subscribe(subscriber)
    }

    // MARK: Readers

    public func createReader(_ reader: NewReader) async throws -> ReaderRecord {
        try await writer.write { context in
            let id = try context.connection.queryFirst(
                SQL.insertReader,
                [.text(reader.email), .text(reader.displayName), .text(reader.passwordHash), .integer(context.nowMs)]
            ) { $0.int64(0) }
            guard let id else { throw StorageError(.sqlite, "INSERT … RETURNING gave no row") }
            try context.connection.run(SQL.recordReaderID, .integer(id))
            try context.connection.run(SQL.addReaders, .integer(1))
            return ReaderRecord(
                id: id, email: reader.email, displayName: reader.displayName, passwordHash: reader.passwordHash,
                status: 1, createdAtMs: context.nowMs, lastSeenAtMs: 0
            )
        }
    }

    public func reader(id: Int64) async throws -> ReaderRecord? {
        try await pointRead { try $0.queryFirst(SQL.readerByID, [.integer(id)], Self.readerRecord) }
    }

    // MARK: Events

    public func appendEvents(readerID: Int64, _ events: [NewEvent]) async throws -> [AppendOutcome] {
        try await writer.write { context in try Self.append(readerID: readerID, events, in: context) }
    }

    /// The ingest path: one prepared INSERT per event (a conflict on the identity index
    /// means a retry), then one upsert of the reader's state for what was new.
    static func append(readerID: Int64, _ events: [NewEvent], in context: WriteContext) throws -> [AppendOutcome] {
        let connection = context.connection
        let insert = try connection.prepare(SQL.insertEvent)
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(events.count)
        var last: StoredEvent?
        var newCount = 0
        var contentID = "", progress: Double?
        for event in events {
            defer { insert.reset() }
            insert.bind(1, readerID)
            insert.bind(2, event.clientSessionID)
            insert.bind(3, Int64(bitPattern: event.sequence))
            insert.bind(4, event.type)
            insert.bind(5, event.occurredAtMs)
            insert.bind(6, context.nowMs)
            insert.bind(7, event.contentID)
            insert.bind(8, event.progress)
            insert.bind(9, event.payload)
            insert.bind(10, context.nextPosition)
            try insert.step()
            if connection.changes == 1 {
                let stored = StoredEvent(
                    id: context.nextPosition, readerID: readerID, clientSessionID: event.clientSessionID, sequence: event.sequence,
                    type: event.type, occurredAtMs: event.occurredAtMs, receivedAtMs: context.nowMs,
                    contentID: event.contentID, progress: event.progress, payload: event.payload
                )
                context.publish(.event(stored))
                outcomes.append(AppendOutcome(eventID: stored.id, duplicate: false))
                last = stored
                newCount += 1
                if !stored.contentID.isEmpty { contentID = stored.contentID }
                if let value = stored.progress { progress = value }
            } else {
                let id = try connection.queryFirst(
                    SQL.eventIDByIdentity,
                    [.integer(readerID), .text(event.clientSessionID), .integer(Int64(bitPattern: event.sequence))]
                ) { $0.int64(0) }
                guard let id else { throw StorageError(.sqlite, "an event conflicted but its first copy was not found") }
                outcomes.append(AppendOutcome(eventID: id, duplicate: true))
            }
        }
        if let last {
            let upsert = try connection.prepare(SQL.upsertReaderState)
            defer { upsert.reset() }
            upsert.bind(1, readerID)
            upsert.bind(2, newCount)
            upsert.bind(3, context.nowMs)
            upsert.bind(4, last.type)
            upsert.bind(5, contentID)
            upsert.bind(6, progress)
            try upsert.step()
        }
        return outcomes
    }

    public func eventPage(
        readerID: Int64, beforeID: Int64?, limit: Int, sinceMs: Int64, untilMs: Int64, types: [String], stopAfterBytes: Int
    ) async throws -> EventPage {
        let bounds: [SQLValue] = [.integer(readerID), .integer(beforeID ?? .max), .integer(Int64(limit))]
        if sinceMs == 0, untilMs == 0, types.isEmpty {
            return EventPage(events: try await pageRead(limit: limit) {
                try Self.rows($0, SQL.eventsPageUnfiltered, bounds, stopAfterBytes: stopAfterBytes, size: \.sizeBound, Self.storedEvent)
            })
        }
        // The types go to SQLite as one JSON array, read back with json_each. Filtered, the
        // statement steps over the reader's events that do not match, at most `scanLimit`
        // of them (down to `floor`): it goes through the pool.
        let typesJSON = "[" + types.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "]"
        return try await read { connection in
            let floor = try connection.queryFirst(
                SQL.eventsScanFloor, [.integer(readerID), .integer(beforeID ?? .max), .integer(Int64(EventPage.scanLimit - 1))]
            ) { $0.int64(0) }
            let values = bounds + [.integer(sinceMs), .text(typesJSON), .integer(untilMs), .integer(floor ?? 0)]
            let events = try Self.rows(connection, SQL.eventsPage, values, stopAfterBytes: stopAfterBytes, size: \.sizeBound, Self.storedEvent)
            return EventPage(events: events, scannedDownTo: events.count < limit ? floor : nil)
        }
    }

    /// The rows of a history page, mapped, until their sizes add up past `bytes` (that row
    /// is the last). Without the bound, a page of 1,000 events of 16 KB read all 16 MB for
    /// the 1 MiB a response holds, and a thousand such calls made lecternd hold gigabytes.
    static func rows<T>(
        _ connection: Connection, _ sql: String, _ values: [SQLValue], stopAfterBytes bytes: Int, size: (T) -> Int,
        _ row: (Statement) throws(StorageError) -> T
    ) throws(StorageError) -> [T] {
        var total = 0
        return try connection.query(sql, values, until: { item in
            total += size(item)
            return total > bytes
        }, row)
    }

    static func storedEvent(_ row: Statement) -> StoredEvent {
        StoredEvent(
            id: row.int64(0), readerID: row.int64(1), clientSessionID: row.string(2),
            sequence: UInt64(bitPattern: row.int64(3)), type: row.string(4), occurredAtMs: row.int64(5),
            receivedAtMs: row.int64(6), contentID: row.string(7), progress: row.optionalDouble(8), payload: row.bytes(9)
        )
    }

    public func readerState(readerID: Int64) async throws -> ReaderStateRecord? {
        try await pointRead { connection in
            try connection.queryFirst(SQL.readerState, [.integer(readerID)]) { row in
                ReaderStateRecord(
                    readerID: row.int64(0), eventCount: row.int64(2), lastEventAtMs: row.int64(3),
                    lastEventType: row.string(4), currentContentID: row.string(5), progress: row.optionalDouble(6),
                    milestonesCompleted: row.int(7), unreadMessages: row.int(8), lastSeenAtMs: row.int64(1)
                )
            }
        }
    }
}

extension SQLiteStore {
    /// The schema's migrations, in order.
    public static var migrations: [Migration] { Migrator.lectern.migrations }
}
