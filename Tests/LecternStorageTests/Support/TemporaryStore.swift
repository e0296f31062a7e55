import Foundation
@testable import LecternStorage

/// A fresh directory under /tmp, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = "/tmp/lectern-test-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// A store on a new database file in a fresh directory, closed and removed afterwards.
func withTemporaryStore<T>(
    _ configure: (inout StoreConfiguration) -> Void = { _ in },
    _ body: (SQLiteStore, String) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        var configuration = StoreConfiguration(path: directory + "/lectern.db")
        configure(&configuration)
        let store = try await SQLiteStore.open(configuration)
        do {
            let result = try await body(store, directory)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}

extension SQLiteStore {
    /// A new reader with a unique email.
    func makeReader(_ name: String = "reader") async throws -> ReaderRecord {
        try await createReader(NewReader(email: "\(name)-\(UUID().uuidString)@example.org", displayName: name, passwordHash: "x"))
    }
}

func event(_ session: String, _ sequence: UInt64, type: String = "page_view", content: String = "", progress: Double? = nil) -> NewEvent {
    NewEvent(
        clientSessionID: session, sequence: sequence, type: type, occurredAtMs: 1_795_000_000_000 + Int64(sequence),
        contentID: content, progress: progress, payload: Array("{\"n\":\(sequence)}".utf8)
    )
}

/// Opens a connection of our own on a database file, for checks from outside the store.
func inspect<T>(_ path: String, _ body: (Connection) throws -> T) throws -> T {
    let connection = try Connection(path: path, readOnly: true)
    return try body(connection)
}

extension Connection {
    /// A test's own query, outside the store's list of statements.
    func values(_ sql: String) throws -> [SQLValue] {
        let statement = try prepare(sql, listed: false)
        defer { statement.reset() }
        var values: [SQLValue] = []
        while try statement.step() { values.append(statement.value(0)) }
        return values
    }

    /// The detail column of `EXPLAIN QUERY PLAN sql`.
    func queryPlan(_ sql: String) throws -> [String] {
        let statement = try prepare("EXPLAIN QUERY PLAN " + sql, listed: false)
        defer { statement.reset() }
        var steps: [String] = []
        while try statement.step() { steps.append(statement.string(3)) }
        return steps
    }

    func integer(_ sql: String) throws -> Int64 {
        guard case .integer(let value)? = try values(sql).first else { return -1 }
        return value
    }
}

/// A gate a test opens once. Code on the writer thread or a read queue blocks on it with
/// `wait()`; async test code suspends on it with `passed()`, never blocking one of the
/// cooperative pool's few threads.
final class Gate: @unchecked Sendable {
    // @unchecked: DispatchSemaphore is thread-safe.
    private let semaphore = DispatchSemaphore(value: 0)
    func open() { semaphore.signal() }
    func wait() { semaphore.wait() }

    func passed() async {
        // A queue of its own, not `DispatchQueue.global()`: on Linux that is the cooperative
        // pool's threads, which a wait there would hold.
        await withCheckedContinuation { continuation in
            DispatchQueue(label: "Gate.passed").async {
                self.semaphore.wait()
                continuation.resume()
            }
        }
    }
}
