import Foundation
import Synchronization
import Testing
@testable import LecternStorage

@Suite("WriterQueue")
struct WriterQueueTests {
    /// Occupies the writer thread, outside any transaction, until `gate` opens, so what is
    /// submitted meanwhile waits and then runs as one batch of its own.
    private func blockWriter(_ store: SQLiteStore, until gate: Gate, started: Gate) -> Task<Void, any Error> {
        Task {
            try await store.writer.exclusive { _ in
                started.open()
                gate.wait()
            }
        }
    }

    /// Polls until `depth` commands are queued (the writer is blocked, so they stay).
    private func waitForQueue(_ store: SQLiteStore, depth: Int) async throws {
        while store.writer.queueDepth < depth { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test("a command that fails rolls back alone; the rest of its batch commits")
    func failingCommandFailsAlone() async throws {
        try await withTemporaryStore { store, path in
            let reader = try await store.makeReader()
            let gate = Gate(), started = Gate()
            let blocker = blockWriter(store, until: gate, started: started)
            await started.passed()
            let batchesBefore = store.writer.statistics.snapshot.batches
            let retriedBefore = store.writer.statistics.snapshot.retriedBatches

            let good1 = Task { try await store.appendEvents(readerID: reader.id, [event("a", 1)]) }
            try await waitForQueue(store, depth: 1)
            let bad = Task { try await store.appendEvents(readerID: 999_999, [event("b", 1)]) }
            try await waitForQueue(store, depth: 2)
            let failing = Task {
                try await store.writer.write { context in
                    try context.connection.run(SQL.insertEvent, .integer(reader.id), .text("c"), .integer(1), .text("t"),
                                               .integer(0), .integer(0), .text(""), .null, .blob([]), .integer(999_999))
                    throw StorageError(.invalidArgument, "the command changed its mind after writing")
                }
            }
            try await waitForQueue(store, depth: 3)
            let good2 = Task { try await store.appendEvents(readerID: reader.id, [event("d", 1)]) }
            try await waitForQueue(store, depth: 4)
            gate.open()
            try await blocker.value

            let first = try await good1.value, second = try await good2.value
            #expect(first.count == 1 && second.count == 1)
            // The batch ran first without savepoints, failed, and ran again with them; the
            // positions of the first try were never committed, so none is skipped.
            #expect(store.writer.statistics.snapshot.retriedBatches == retriedBefore + 1)
            #expect(second[0].eventID == first[0].eventID + 1)
            await #expect(throws: StorageError.self) { try await bad.value }
            await #expect(throws: StorageError.self) { try await failing.value }
            // The four commands ran as one batch: one commit for all of them.
            #expect(store.writer.statistics.snapshot.batches == batchesBefore + 1)
            let sessions = try inspect(path + "/lectern.db") { connection in
                try connection.values("SELECT client_session_id FROM events ORDER BY client_session_id")
            }
            #expect(sessions == [.text("a"), .text("d")])
        }
    }

    @Test("commands submitted while a batch runs join it before its commit")
    func lateArrivalsJoinTheRunningBatch() async throws {
        try await withTemporaryStore { store, path in
            let reader = try await store.makeReader()
            let gate = Gate(), started = Gate()
            let before = store.writer.statistics.snapshot
            // A command inside the batch's transaction that waits for the gate.
            let first = Task {
                try await store.writer.write { context in
                    started.open()
                    gate.wait()
                    return try Self.insertedEvent(reader: reader.id, session: "first", in: context)
                }
            }
            await started.passed()
            let late = (1...5).map { sequence in
                Task { try await store.appendEvents(readerID: reader.id, [event("late", UInt64(sequence))]) }
            }
            try await waitForQueue(store, depth: 5)
            gate.open()
            let firstID = try await first.value
            var lateIDs: [Int64] = []
            for task in late { lateIDs.append(try #require(try await task.value.first).eventID) }

            let after = store.writer.statistics.snapshot
            #expect(after.batches == before.batches + 1)
            #expect(after.commands == before.commands + 6)
            #expect(after.batchSize.max == 6)
            #expect(lateIDs.sorted().first == firstID + 1)
            let count = try inspect(path + "/lectern.db") { try $0.values("SELECT count(*) FROM events") }
            #expect(count == [.integer(6)])
        }
    }

    /// Inserts one event in the running batch and returns its position.
    private static func insertedEvent(reader: Int64, session: String, in context: WriteContext) throws -> Int64 {
        try SQLiteStore.append(readerID: reader, [event(session, 1)], in: context)[0].eventID
    }

    @Test("a saturated writer (a batch of 64 or more) checkpoints itself between batches instead of asking the checkpointer")
    func saturatedWriterCheckpointsItself() async throws {
        try await withTemporaryStore({ $0.walAutocheckpointPages = 8 }) { store, _ in
            let reader = try await store.makeReader()
            let gate = Gate(), started = Gate()
            let blocker = blockWriter(store, until: gate, started: started)
            await started.passed()
            let before = store.writer.statistics.snapshot
            let writes = (1...100).map { sequence in
                Task { try await store.appendEvents(readerID: reader.id, [event("busy", UInt64(sequence))]) }
            }
            try await waitForQueue(store, depth: 100)
            gate.open()
            try await blocker.value
            for write in writes { #expect(try await write.value.count == 1) }
            // Callers are resumed first; the checkpoint follows on the writer thread.
            var checkpoints = store.writer.statistics.snapshot.writerCheckpoints
            for _ in 0..<500 where checkpoints == before.writerCheckpoints {
                try await Task.sleep(for: .milliseconds(10))
                checkpoints = store.writer.statistics.snapshot.writerCheckpoints
            }
            #expect(checkpoints > before.writerCheckpoints)
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 100)
        }
    }

    @Test("a full queue refuses at once with overloaded")
    func fullQueueFailsFast() async throws {
        try await withTemporaryStore({ $0.maxPendingWrites = 4 }) { store, _ in
            let reader = try await store.makeReader()
            let gate = Gate(), started = Gate()
            let blocker = blockWriter(store, until: gate, started: started)
            await started.passed()
            let queued = (1...4).map { sequence in
                Task { try await store.appendEvents(readerID: reader.id, [event("s", UInt64(sequence))]) }
            }
            try await waitForQueue(store, depth: 4)
            do {
                _ = try await store.appendEvents(readerID: reader.id, [event("s", 99)])
                Issue.record("a fifth write was accepted by a queue of four")
            } catch let error as StorageError {
                #expect(error.code == .overloaded)
            }
            gate.open()
            try await blocker.value
            for task in queued { #expect(try await task.value.count == 1) }
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 4)
        }
    }

    @Test("when the commit fails, every caller of the batch gets the error and nothing is visible")
    func commitFailureFailsBatch() async throws {
        try await withTemporaryStore { store, path in
            let reader = try await store.makeReader()
            let gate = Gate(), started = Gate()
            let blocker = blockWriter(store, until: gate, started: started)
            await started.passed()
            let innocent = Task { try await store.appendEvents(readerID: reader.id, [event("innocent", 1)]) }
            try await waitForQueue(store, depth: 1)
            // Deferring foreign keys moves the violation to COMMIT, which then fails.
            let saboteur = Task {
                try await store.writer.write { context in
                    try context.connection.execute("PRAGMA defer_foreign_keys = ON")
                    try context.connection.run(SQL.insertEvent, .integer(31_337), .text("orphan"), .integer(1), .text("t"),
                                               .integer(0), .integer(0), .text(""), .null, .blob([]), .integer(999_999))
                }
            }
            try await waitForQueue(store, depth: 2)
            gate.open()
            try await blocker.value
            await #expect(throws: StorageError.self) { try await innocent.value }
            await #expect(throws: StorageError.self) { try await saboteur.value }
            #expect(try inspect(path + "/lectern.db") { try $0.integer("SELECT count(*) FROM events") } == 0)
            #expect(try await store.readerState(readerID: reader.id)?.eventCount == 0)
            // The writer carries on after a failed commit.
            #expect(try await store.appendEvents(readerID: reader.id, [event("after", 1)]).count == 1)
        }
    }

    @Test("subscribers get every committed change, in commit order, after the callers")
    func subscribersInCommitOrder() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let received = Mutex<[Int64]>([])
            store.subscribe { batch in
                for case .event(let event) in batch.activities.map(\.item) {
                    received.withLock { $0.append(event.id) }
                }
            }
            var acknowledged: [Int64] = []
            for sequence in 1...20 {
                let outcome = try await store.appendEvents(readerID: reader.id, [event("s", UInt64(sequence)), event("s", UInt64(sequence))])
                acknowledged.append(outcome[0].eventID)
            }
            // Each change is published right after its commit; by now all 20 commits happened.
            while received.withLock({ $0.count }) < 20 { try await Task.sleep(for: .milliseconds(1)) }
            #expect(received.withLock { $0 } == acknowledged)
        }
    }

    @Test("after close, writes fail with closed")
    func closedQueue() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteStore.open(StoreConfiguration(path: directory + "/db"))
            let reader = try await store.makeReader()
            await store.close()
            do {
                _ = try await store.appendEvents(readerID: reader.id, [event("s", 1)])
                Issue.record("a write succeeded after close")
            } catch let error as StorageError {
                #expect(error.code == .closed)
            }
        }
    }
}
