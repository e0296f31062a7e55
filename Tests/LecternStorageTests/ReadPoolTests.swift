import Foundation
import Testing
@testable import LecternStorage

@Suite("ReadPool")
struct ReadPoolTests {
    /// A query that never ends on its own.
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

    @Test("cancelling the task interrupts its running statement")
    func cancellationInterrupts() async throws {
        try await withTemporaryStore { store, _ in
            let started = Gate()
            let read = Task {
                try await store.readers.read { connection in
                    started.open()
                    return try connection.values(Self.endless)
                }
            }
            await started.passed()
            read.cancel()
            do {
                _ = try await read.value
                Issue.record("an endless query returned")
            } catch let error as StorageError {
                #expect(error.code == .cancelled)
            }
            // The connection is usable again by the next caller.
            #expect(try await store.readers.read { try $0.integer("SELECT 41 + 1") } == 42)
        }
    }

    /// Starts a read that keeps the pool's only connection until `release` opens.
    private func holdOnlyConnection(_ store: SQLiteStore) async -> (Task<Void, any Error>, Gate) {
        let started = Gate(), release = Gate()
        let holder = Task {
            try await store.readers.read { _ in
                started.open()
                release.wait()
            }
        }
        await started.passed()
        return (holder, release)
    }

    @Test("waiting for a connection ends at the caller's deadline")
    func waitBoundedByDeadline() async throws {
        try await withTemporaryStore({ $0.readConnections = 1; $0.directReadConnections = 0 }) { store, _ in
            let (holder, release) = await holdOnlyConnection(store)
            let deadline = ContinuousClock.now + .milliseconds(50)
            do {
                _ = try await StoreDeadline.$current.withValue(deadline) {
                    try await store.readerState(readerID: 1)
                }
                Issue.record("a read got the only connection while it was held")
            } catch let error as StorageError {
                #expect(error.code == .deadlineExceeded)
                #expect(ContinuousClock.now >= deadline)
            }
            release.open()
            try await holder.value
        }
    }

    @Test("a waiter whose task is cancelled stops waiting")
    func cancelledWaiter() async throws {
        try await withTemporaryStore({ $0.readConnections = 1; $0.directReadConnections = 0 }) { store, _ in
            let (holder, release) = await holdOnlyConnection(store)
            let waiter = Task { try await store.readers.read { try $0.integer("SELECT 1") } }
            waiter.cancel()
            await #expect(throws: (any Error).self) { try await waiter.value }
            release.open()
            try await holder.value
            #expect(try await store.readers.read { try $0.integer("SELECT 1") } == 1)
        }
    }

    @Test("a point read does not wait for the pool: it runs on a direct connection while the pool's only one is held")
    func pointReadSkipsTheQueue() async throws {
        // No sweep during the test: a sweep holds the direct connection for a moment, and a
        // point read that finds it held goes to the pool, which this test holds (a hang seen
        // under ThreadSanitizer when the 5 ms sweep came between the two reads).
        try await withTemporaryStore({ $0.readConnections = 1; $0.directReadConnections = 1; $0.snapshotMaxAge = .seconds(60) }) { store, _ in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, [event("p", 1), event("p", 2)])
            let (holder, release) = await holdOnlyConnection(store)
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 2)
            #expect(try await store.reader(id: reader.id)?.email == reader.email)
            release.open()
            try await holder.value
        }
    }

    @Test("a page of up to 100 rows from one index range does not wait for the pool; a filtered page and a larger one do")
    func shortPagesSkipTheQueue() async throws {
        // No sweep during the test, as above.
        try await withTemporaryStore({ $0.readConnections = 1; $0.directReadConnections = 1; $0.snapshotMaxAge = .seconds(60) }) { store, _ in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, (1...3).map { event("p", $0) })
            _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-1", status: 1, score: 0, attributesJSON: "")
            _ = try await store.sendMessage(readerID: reader.id, consultantID: 7, direction: 2, body: "hello")
            let (holder, release) = await holdOnlyConnection(store)
            defer { release.open() }  // also when a read below throws, or the store could not close
            // Each read gives up after 2 s (deadlineExceeded) if it waits for the held pool.
            func within<T: Sendable>(_ read: @Sendable () async throws -> T) async throws -> T {
                try await StoreDeadline.$current.withValue(ContinuousClock.now + .seconds(2)) { try await read() }
            }
            #expect(try await within { try await store.events(readerID: reader.id, beforeID: nil, limit: 100) }.count == 3)
            #expect(try await within { try await store.milestones(readerID: reader.id, afterContentID: "", limit: 50) }.count == 1)
            #expect(try await within { try await store.messages(readerID: reader.id, beforeID: nil, limit: 50, unreadOnly: false) }.count == 1)
            // These may step over any number of rows, or read more than 100: they queue.
            let queued: [@Sendable () async throws -> Int] = [
                { try await store.events(readerID: reader.id, beforeID: nil, limit: 100, types: ["page_view"]).count },
                { try await store.events(readerID: reader.id, beforeID: nil, limit: 101).count },
                { try await store.messages(readerID: reader.id, beforeID: nil, limit: 50, unreadOnly: true).count },
            ]
            for read in queued {
                await #expect(throws: StorageError.self) {
                    try await StoreDeadline.$current.withValue(ContinuousClock.now + .milliseconds(50)) { try await read() }
                }
            }
            release.open()
            try await holder.value
        }
    }

    @Test("a point read reuses its connection's snapshot only while nothing has committed since: a caller sees its own writes")
    func pointReadSnapshotFollowsCommits() async throws {
        // Snapshots live long enough here that only commits end them, however slowly the test runs.
        try await withTemporaryStore({ $0.directReadConnections = 1; $0.snapshotMaxAge = .seconds(60) }) { store, _ in
            let reader = try await store.makeReader()
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 0)
            // The snapshot stays open after the read, and serves the next one...
            #expect(store.readers.openSnapshots == 1)
            #expect(try await store.reader(id: reader.id)?.email == reader.email)
            #expect(store.readers.openSnapshots == 1)
            _ = try await store.appendEvents(readerID: reader.id, [event("w", 1)])
            // ...until a commit, which ends it before the writer's caller resumes.
            #expect(store.readers.openSnapshots == 0)
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 1)
            _ = try await store.appendEvents(readerID: reader.id, [event("w", 2), event("w", 3)])
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 3)
            // That snapshot served one read: with commits between reads, point reads now run
            // in their statement's own transaction and leave nothing open.
            #expect(store.readers.openSnapshots == 0)
        }
    }

    @Test("while snapshots are reused under load, every read sees the writes acknowledged to its caller")
    func readsFollowOwnWritesUnderLoad() async throws {
        try await withTemporaryStore({ $0.readConnections = 1; $0.directReadConnections = 1 }) { store, _ in
            var readers: [Int64] = []
            for index in 0..<8 { readers.append(try await store.makeReader("load\(index)").id) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reader in readers {
                    group.addTask {
                        for sequence in 1...100 {
                            _ = try await store.appendEvents(readerID: reader, [event("own", UInt64(sequence))])
                            let newest = try await store.events(readerID: reader, beforeID: nil, limit: 1)
                            #expect(newest.first?.sequence == UInt64(sequence))
                            #expect(try await store.readerState(readerID: reader)?.eventCount == Int64(sequence))
                        }
                    }
                    // Readers that only read keep the pool busy, so its snapshot stays open.
                    group.addTask {
                        for _ in 1...300 { _ = try await store.events(readerID: reader, beforeID: nil, limit: 5) }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("an idle direct connection's snapshot is ended by the sweep, so it does not hold the WAL back")
    func idleSnapshotEnds() async throws {
        // A second's age, so the snapshot is still open when first counted even on a slow run.
        try await withTemporaryStore({ $0.directReadConnections = 2; $0.snapshotMaxAge = .seconds(1) }) { store, path in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, [event("i", 1)])
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 1)
            #expect(store.readers.openSnapshots == 1)
            var waited = 0
            while store.readers.openSnapshots > 0, waited < 10_000 {
                try await Task.sleep(for: .milliseconds(5))
                waited += 5
            }
            #expect(store.readers.openSnapshots == 0)
            // No reader is left in the WAL: a TRUNCATE checkpoint completes at once.
            let outcome = try await store.checkpoint(.truncate)
            #expect(!outcome.busy)
            #expect(try FileManager.default.attributesOfItem(atPath: path + "/lectern.db-wal")[.size] as? Int == 0)
        }
    }

    @Test("after close, point reads fail with closed")
    func pointReadAfterClose() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            await store.close()
            do {
                _ = try await store.readerState(readerID: reader.id)
                Issue.record("a point read ran on a closed store")
            } catch let error as StorageError {
                #expect(error.code == .closed)
            }
        }
    }

    @Test("a read sees one snapshot even while writes commit")
    func consistentSnapshot() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, [event("s", 1)])
            let firstCounted = Gate(), written = Gate()
            let counts = Task {
                try await store.readers.read { connection in
                    let before = try connection.integer("SELECT count(*) FROM events")
                    firstCounted.open()
                    written.wait()
                    let after = try connection.integer("SELECT count(*) FROM events")
                    return (before, after)
                }
            }
            await firstCounted.passed()
            _ = try await store.appendEvents(readerID: reader.id, [event("s", 2), event("s", 3)])
            written.open()
            let (before, after) = try await counts.value
            #expect(before == 1 && after == 1)
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 3)
        }
    }

    @Test("read connections refuse to write")
    func readOnly() async throws {
        _ = try await withTemporaryStore { store, _ in
            await #expect(throws: StorageError.self) {
                try await store.readers.read { try $0.execute("DELETE FROM readers") }
            }
        }
    }
}
