import Foundation
import Testing
@testable import LecternStorage

/// The pragmas each of the store's connections runs with, read back from SQLite itself.
@Suite("Connection pragmas")
struct ConnectionTests {
    /// One pragma's value as SQLite reports it on `connection`.
    static func pragma(_ name: String, on connection: Connection) throws -> SQLValue? {
        try connection.values("PRAGMA \(name)").first
    }

    @Test("a read connection is query-only, in WAL, with foreign keys and no memory map")
    func readConnection() async throws {
        try await withTemporaryStore { store, _ in
            let values = try await store.read { connection in
                try ["journal_mode", "query_only", "foreign_keys", "synchronous", "mmap_size", "temp_store"].map {
                    try Self.pragma($0, on: connection)
                }
            }
            // synchronous 1 is NORMAL; temp_store 2 is MEMORY.
            #expect(values == [.text("wal"), .integer(1), .integer(1), .integer(1), .integer(0), .integer(2)])
        }
    }

    @Test("the write connection may write and follows the durability mode")
    func writeConnection() async throws {
        try await withTemporaryStore({ $0.durability = .full }) { store, _ in
            let values = try await store.writer.write { context in
                try ["query_only", "synchronous", "mmap_size"].map { try Self.pragma($0, on: context.connection) }
            }
            // synchronous 2 is FULL.
            #expect(values == [.integer(0), .integer(2), .integer(0)])
        }
    }

    @Test("the writer runs on its connection's thread, as the kernel names it for top -H and perf")
    func writerThreadName() async throws {
        try await withTemporaryStore { store, _ in
            let name = try await store.writer.write { _ in
                try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            }
            #expect(name == "lectern.writer\n")
        }
    }

    @Test("a configured memory map is applied")
    func configuredMemoryMap() async throws {
        try await withTemporaryStore({ $0.mmapSizeBytes = 1 << 20 }) { store, _ in
            let mapped = try await store.read { try Self.pragma("mmap_size", on: $0) }
            #expect(mapped == .integer(1 << 20))
        }
    }
}
