import CSQLite
import Foundation
import LecternServices
import LecternStorage

/// Fills a fresh database with many readers and events straight through SQLite, in large
/// transactions, the way an import of an existing platform would: readers' events
/// interleaved in time, each reader's state, some open milestones and unread messages. The
/// schema comes from `SQLiteStore.open`, so the file is exactly what lecternd makes.
enum ScaleLoader {
    struct Loaded {
        var readers: Int
        var events: Int
        var seconds: Double
    }

    static func load(path: String, readers: Int, events: Int, progress: (Int) -> Void) async throws -> Loaded {
        await (try SQLiteStore.open(StoreConfiguration(path: path))).close()
        let started = ContinuousClock.now
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK, let db else { throw BenchError("cannot open \(path)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))") }
        }
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
            return statement
        }
        // A bulk load that is redone from scratch if it fails needs no sync per transaction.
        try exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576; PRAGMA foreign_keys = OFF")
        let now = Workloads.nowMs()
        let hash = try Credentials.hashPassword("bench password", strength: .minimum)

        let insertReader = try prepare("INSERT INTO readers (id, email, display_name, password_hash, created_at_ms) VALUES (?, ?, ?, ?, ?)")
        try exec("BEGIN")
        for id in 1...readers {
            sqlite3_bind_int64(insertReader, 1, Int64(id))
            sqlite3_bind_text(insertReader, 2, "reader\(id)@scale.org", -1, lectern_sqlite_transient)
            sqlite3_bind_text(insertReader, 3, "Reader \(id)", -1, lectern_sqlite_transient)
            sqlite3_bind_text(insertReader, 4, hash, -1, lectern_sqlite_transient)
            sqlite3_bind_int64(insertReader, 5, now - 86_400_000)
            guard sqlite3_step(insertReader) == SQLITE_DONE else { throw BenchError("reader: \(String(cString: sqlite3_errmsg(db)))") }
            sqlite3_reset(insertReader)
            if id % 100_000 == 0 { try exec("COMMIT; BEGIN") }
        }
        try exec("COMMIT")
        sqlite3_finalize(insertReader)

        // Event i belongs to reader (i - 1) % readers + 1, so readers' events interleave in
        // time; received over the last 30 days. Events are stored clustered by reader, so
        // they are written reader by reader (in key order, appending), with the secondary
        // indexes dropped and built again at the end from their own SQL: a sort each,
        // instead of 50 million random inserts into each.
        let indexes = try queryStrings(db, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
        let indexNames = try queryStrings(db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
        for name in indexNames { try exec("DROP INDEX \(name)") }
        var counts = [Int32](repeating: 0, count: readers + 1)
        let insertEvent = try prepare("""
            INSERT INTO events (id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload)
            VALUES (?, ?, 'import', ?, ?, ?, ?, ?, ?, ?)
            """)
        let payload = Workloads.payload
        let span: Int64 = 30 * 86_400_000
        var loaded = 0
        try exec("BEGIN")
        for reader in 1...readers {
            for i in stride(from: reader, through: events, by: readers) {
                counts[reader] += 1
                let at = now - span + span * Int64(i) / Int64(events)
                sqlite3_bind_int64(insertEvent, 1, Int64(i))
                sqlite3_bind_int64(insertEvent, 2, Int64(reader))
                sqlite3_bind_int64(insertEvent, 3, Int64(i))
                sqlite3_bind_text(insertEvent, 4, i % 5 == 0 ? "answer" : "page_view", -1, lectern_sqlite_transient)
                sqlite3_bind_int64(insertEvent, 5, at)
                sqlite3_bind_int64(insertEvent, 6, at)
                sqlite3_bind_text(insertEvent, 7, "book-\(i % 7)/chapter-\(i % 11)", -1, lectern_sqlite_transient)
                sqlite3_bind_double(insertEvent, 8, Double(i % 100) / 100)
                _ = payload.withUnsafeBytes { sqlite3_bind_blob(insertEvent, 9, $0.baseAddress, Int32($0.count), lectern_sqlite_transient) }
                guard sqlite3_step(insertEvent) == SQLITE_DONE else { throw BenchError("event: \(String(cString: sqlite3_errmsg(db)))") }
                sqlite3_reset(insertEvent)
                loaded += 1
                if loaded % 100_000 == 0 {
                    try exec("COMMIT; BEGIN")
                    progress(loaded)
                }
            }
        }
        try exec("COMMIT")
        sqlite3_finalize(insertEvent)
        for index in indexes { try exec(index) }

        // Each reader's state; every 10th reader stuck on a milestone; every 100th with an unread message.
        let state = try prepare("""
            INSERT INTO reader_state (reader_id, event_count, last_event_at_ms, last_event_type, current_content_id, open_milestone_since_ms)
            VALUES (?, ?, ?, 'page_view', 'book-1', ?)
            """)
        let milestone = try prepare("INSERT INTO milestones (reader_id, content_id, status, started_at_ms, updated_at_ms, feed_position) VALUES (?, 'book-1', 1, ?, ?, 0)")
        let message = try prepare("INSERT INTO messages (id, reader_id, direction, body, sent_at_ms) VALUES (?, ?, 1, 'I am stuck', ?)")
        try exec("BEGIN")
        var messageID = Int64(events)
        for reader in 1...readers {
            sqlite3_bind_int64(state, 1, Int64(reader))
            sqlite3_bind_int64(state, 2, Int64(counts[reader]))
            sqlite3_bind_int64(state, 3, now)
            sqlite3_bind_int64(state, 4, reader % 10 == 0 ? now - 7_200_000 : 0)
            guard sqlite3_step(state) == SQLITE_DONE else { throw BenchError("state: \(String(cString: sqlite3_errmsg(db)))") }
            sqlite3_reset(state)
            if reader % 10 == 0 {
                sqlite3_bind_int64(milestone, 1, Int64(reader))
                sqlite3_bind_int64(milestone, 2, now - 7_200_000)
                sqlite3_bind_int64(milestone, 3, now - 7_200_000)
                _ = sqlite3_step(milestone)
                sqlite3_reset(milestone)
            }
            if reader % 100 == 0 {
                messageID += 1
                sqlite3_bind_int64(message, 1, messageID)
                sqlite3_bind_int64(message, 2, Int64(reader))
                sqlite3_bind_int64(message, 3, now - 3_600_000)
                _ = sqlite3_step(message)
                sqlite3_reset(message)
            }
        }
        try exec("INSERT INTO counters (name, value) VALUES ('readers', \(readers)) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
        try exec("COMMIT")
        for statement in [state, milestone, message] { sqlite3_finalize(statement) }
        try exec("PRAGMA wal_checkpoint(TRUNCATE)")
        let elapsed = ContinuousClock.now - started
        return Loaded(readers: readers, events: events, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// The first column of every row `sql` returns, as text.
private func queryStrings(_ db: OpaquePointer, _ sql: String) throws -> [String] {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
        throw BenchError("\(sql): \(String(cString: sqlite3_errmsg(db)))")
    }
    defer { sqlite3_finalize(statement) }
    var values: [String] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        values.append(String(cString: sqlite3_column_text(statement, 0)))
    }
    return values
}
