import Foundation
import Testing
@testable import LecternStorage

@Suite("Migrations")
struct MigrationTests {
    /// Every table, index and their SQL, to compare two databases' schemas.
    private func schema(_ path: String) throws -> [SQLValue] {
        try inspect(path) { try $0.values("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name") }
    }

    private func versions(_ path: String) throws -> [SQLValue] {
        try inspect(path) { try $0.values("SELECT version FROM schema_migrations ORDER BY version") }
    }

    @Test("an empty file is brought to the latest version")
    func fromEmptyFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/db"
            let store = try await SQLiteStore.open(StoreConfiguration(path: path))
            await store.close()
            #expect(try versions(path) == Migrator.lectern.migrations.map { .integer(Int64($0.version)) })
            // Events are clustered by reader (migration 5); SQLite quotes a renamed table's name.
            #expect(try schema(path).contains(.text("table events: " + "CREATE TABLE \"events\" (\n  reader_id INTEGER NOT NULL REFERENCES readers (id) ON DELETE CASCADE,\n  id INTEGER NOT NULL,\n  client_session_id TEXT NOT NULL,\n  sequence INTEGER NOT NULL,\n  type TEXT NOT NULL,\n  occurred_at_ms INTEGER NOT NULL,\n  received_at_ms INTEGER NOT NULL,\n  content_id TEXT NOT NULL DEFAULT '',\n  progress REAL,\n  payload BLOB NOT NULL DEFAULT x'',\n  PRIMARY KEY (reader_id, id)\n) STRICT, WITHOUT ROWID")))
        }
    }

    @Test("a database at every earlier version migrates to the same schema as a new one, keeping its rows")
    func fromEveryEarlierVersion() async throws {
        try await withTemporaryDirectory { directory in
            let fresh = directory + "/fresh"
            try await SQLiteStore.open(StoreConfiguration(path: fresh)).close()
            for version in 1..<Migrator.lectern.latestVersion {
                let path = directory + "/v\(version)"
                let connection = try Connection(path: path, readOnly: false)
                try Migrator.lectern.migrate(connection, upTo: version, nowMs: 1)
                // As an earlier Lectern wrote it (today's INSERT needs a later table).
                try connection.execute("""
                    INSERT INTO readers (email, display_name, password_hash, created_at_ms) VALUES ('old@example.org', 'Old', 'h', 1)
                    """)
                for sequence in 1...3 {
                    try connection.execute("""
                        INSERT INTO events (id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, payload)
                        VALUES (\(sequence * 10), 1, 'old-session', \(sequence), 'page_view', 5, 5, x'0102')
                        """)
                }
                try connection.execute("""
                    INSERT INTO milestones (reader_id, content_id, status, started_at_ms, updated_at_ms) VALUES (1, 'ch-1', 1, 5, 5), (1, 'ch-2', 1, 7, 7)
                    """)
                #expect(try versions(path).count == version)
                let store = try await SQLiteStore.open(StoreConfiguration(path: path))
                if version < 6 {
                    // Migration 6 finds the reader stuck since the older of the two open milestones.
                    #expect(try await store.dashboardCounts(stuckBeforeMs: 6).stuckReaders == 1)
                    #expect(try await store.dashboardCounts(stuckBeforeMs: 5).stuckReaders == 0)
                }
                // Migration 7 starts the reader ids after the highest there.
                #expect(try await store.createReader(NewReader(email: "new@example.org", displayName: "New", passwordHash: "h")).id == 2)
                #expect(try await store.reader(id: 1)?.email == "old@example.org")
                let events = try await store.events(readerID: 1, beforeID: nil, limit: 10)
                #expect(events.map(\.id) == [30, 20, 10])
                #expect(events.map(\.sequence) == [3, 2, 1])
                #expect(events.allSatisfy { $0.payload == [1, 2] && $0.clientSessionID == "old-session" })
                await store.close()
                #expect(try schema(path) == schema(fresh))
            }
        }
    }

    @Test("a migration whose recorded checksum differs is refused")
    func tamperedMigration() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/db"
            try await SQLiteStore.open(StoreConfiguration(path: path)).close()
            let connection = try Connection(path: path, readOnly: false)
            try connection.execute("UPDATE schema_migrations SET checksum = '0123456789abcdef' WHERE version = 1")
            do {
                _ = try await SQLiteStore.open(StoreConfiguration(path: path))
                Issue.record("a tampered database was opened")
            } catch let error as StorageError {
                #expect(error.code == .incompatibleSchema)
                #expect(error.message.contains("migration 1"))
            }
        }
    }

    @Test("a database made by a newer Lectern is refused")
    func newerDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/db"
            try await SQLiteStore.open(StoreConfiguration(path: path)).close()
            let connection = try Connection(path: path, readOnly: false)
            try connection.execute("INSERT INTO schema_migrations VALUES (999, 'from the future', 'ffffffffffffffff', 0)")
            do {
                _ = try await SQLiteStore.open(StoreConfiguration(path: path))
                Issue.record("a newer database was opened")
            } catch let error as StorageError {
                #expect(error.code == .incompatibleSchema)
                #expect(error.message.contains("newer"))
            }
        }
    }

    @Test("a file that is not Lectern's is refused before anything writes to it; Lectern's files carry its application id")
    func ownership() async throws {
        try await withTemporaryDirectory { directory in
            func refusal(_ path: String) async -> String? {
                do {
                    try await SQLiteStore.open(StoreConfiguration(path: path)).close()
                    return nil
                } catch let error as StorageError where error.code == .incompatibleSchema {
                    return error.message
                } catch {
                    return "\(error)"
                }
            }
            // Another program's database: refused, and not a byte of it changed (no WAL mode, no schema_migrations).
            let foreign = directory + "/foreign.db"
            try Connection(path: foreign, readOnly: false).execute("CREATE TABLE readers (x); INSERT INTO readers VALUES (1)")
            let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
            #expect(await refusal(foreign)?.contains("it has tables (readers) and no schema_migrations") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
            #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))
            // Another application's id in the header.
            let marked = directory + "/marked.db"
            try Connection(path: marked, readOnly: false).execute("PRAGMA application_id = 42")
            #expect(await refusal(marked)?.contains("another application's id (42)") == true)
            // A new file, and one an earlier Lectern made before it wrote its id, both end up marked.
            let fresh = directory + "/fresh.db", earlier = directory + "/earlier.db"
            #expect(await refusal(fresh) == nil)
            let connection = try Connection(path: earlier, readOnly: false)
            try Migrator.lectern.migrate(connection, upTo: 1, nowMs: 1)
            try connection.execute("PRAGMA application_id = 0")
            #expect(await refusal(earlier) == nil)
            for path in [fresh, earlier] {
                #expect(try inspect(path) { try $0.values("PRAGMA application_id") } == [.integer(Migrator.applicationID)])
            }
        }
    }

    @Test("one database file has one store: a second is refused, by any path to the file, until the first closes")
    func oneStorePerFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/db", alias = directory + "/alias"
            let first = try await SQLiteStore.open(StoreConfiguration(path: path))
            try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: path)
            for other in [path, alias] {
                await #expect(throws: StorageError.self) { try await SQLiteStore.open(StoreConfiguration(path: other)).close() }
                do {
                    try await SQLiteStore.open(StoreConfiguration(path: other)).close()
                } catch let error as StorageError {
                    #expect(error.code == .inUse)
                    #expect(error.message.contains(other) && error.message.contains("another lecternd"))
                }
            }
            // The first store is unharmed and keeps writing.
            let reader = try await first.createReader(NewReader(email: "a@example.org", displayName: "A", passwordHash: "h"))
            #expect(try await first.appendEvents(readerID: reader.id, [event("s", 1)]).count == 1)
            await first.close()
            let second = try await SQLiteStore.open(StoreConfiguration(path: alias))
            #expect(try await second.readerState(readerID: reader.id)?.eventCount == 1)
            await second.close()
        }
    }

    @Test("the checksum depends on every byte of the SQL")
    func checksum() {
        let a = Migration(version: 1, name: "a", sql: "CREATE TABLE t (x)")
        let b = Migration(version: 1, name: "a", sql: "CREATE TABLE t (y)")
        #expect(a.checksum != b.checksum)
        #expect(a.checksum.count == 16)
    }
}
