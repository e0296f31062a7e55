import Foundation
import Testing
@testable import LecternStorage

@Suite("SQLiteStore")
struct SQLiteStoreTests {
    @Test("many concurrent writers and readers: every write lands, no error reaches a caller")
    func concurrentWritersAndReaders() async throws {
        try await withTemporaryStore { store, _ in
            let readers = try await (0..<8).asyncMap { try await store.makeReader("r\($0)") }
            let writersPerReader = 16, batchesPerWriter = 20
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reader in readers {
                    for writer in 0..<writersPerReader {
                        group.addTask {
                            for batch in 0..<batchesPerWriter {
                                let outcomes = try await store.appendEvents(
                                    readerID: reader.id,
                                    [event("w\(writer)", UInt64(batch * 2 + 1)), event("w\(writer)", UInt64(batch * 2 + 2))]
                                )
                                #expect(outcomes.allSatisfy { !$0.duplicate })
                            }
                        }
                    }
                    group.addTask {
                        for _ in 0..<50 {
                            _ = try await store.readerState(readerID: reader.id)
                            _ = try await store.events(readerID: reader.id, beforeID: nil, limit: 50)
                        }
                    }
                }
                try await group.waitForAll()
            }
            for reader in readers {
                let state = try #require(try await store.readerState(readerID: reader.id))
                #expect(state.eventCount == Int64(writersPerReader * batchesPerWriter * 2))
            }
            let stats = try await store.stats()
            // Group commit: far fewer transactions than commands.
            #expect(stats.writer.batches < stats.writer.commands)
        }
    }

    @Test("a retried event is stored once and reported as a duplicate of the first copy")
    func retriedEventStoredOnce() async throws {
        try await withTemporaryStore { store, path in
            let reader = try await store.makeReader()
            let batch = [event("tab-1", 1), event("tab-1", 2), event("tab-2", 1)]
            let first = try await store.appendEvents(readerID: reader.id, batch)
            let retry = try await store.appendEvents(readerID: reader.id, batch + [event("tab-1", 3)])
            #expect(first.map(\.duplicate) == [false, false, false])
            #expect(retry.map(\.duplicate) == [true, true, true, false])
            #expect(retry.prefix(3).map(\.eventID) == first.map(\.eventID))
            let state = try #require(try await store.readerState(readerID: reader.id))
            #expect(state.eventCount == 4)
            let count = try inspect(path + "/lectern.db") { try $0.integer("SELECT count(*) FROM events") }
            #expect(count == 4)
        }
    }

    @Test("the same identity twice in one batch is stored once")
    func duplicateWithinBatch() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let outcomes = try await store.appendEvents(readerID: reader.id, [event("s", 7), event("s", 7)])
            #expect(outcomes.map(\.duplicate) == [false, true])
            #expect(outcomes[0].eventID == outcomes[1].eventID)
        }
    }

    @Test("events of one reader never collide with the same identity of another")
    func identityIsPerReader() async throws {
        try await withTemporaryStore { store, _ in
            let a = try await store.makeReader("a"), b = try await store.makeReader("b")
            let first = try await store.appendEvents(readerID: a.id, [event("s", 1)])
            let second = try await store.appendEvents(readerID: b.id, [event("s", 1)])
            #expect(!first[0].duplicate && !second[0].duplicate)
            #expect(first[0].eventID != second[0].eventID)
        }
    }

    @Test("reader state is kept current with the events, in the same transaction")
    func readerState() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let empty = try #require(try await store.readerState(readerID: reader.id))
            #expect(empty.eventCount == 0 && empty.currentContentID.isEmpty && empty.progress == nil)
            _ = try await store.appendEvents(readerID: reader.id, [
                event("s", 1, type: "page_view", content: "book-1", progress: 0.25),
                event("s", 2, type: "answer"),
            ])
            let state = try #require(try await store.readerState(readerID: reader.id))
            #expect(state.eventCount == 2)
            #expect(state.lastEventType == "answer")
            #expect(state.currentContentID == "book-1")
            #expect(state.progress == 0.25)
            #expect(state.lastEventAtMs > 0)
            #expect(try await store.readerState(readerID: reader.id + 1000) == nil)
        }
    }

    @Test("events of an unknown reader are refused with notFound and nothing is stored")
    func unknownReader() async throws {
        try await withTemporaryStore { store, path in
            await #expect(throws: StorageError.self) {
                _ = try await store.appendEvents(readerID: 424_242, [event("s", 1), event("s", 2)])
            }
            do {
                _ = try await store.appendEvents(readerID: 424_242, [event("s", 1)])
            } catch let error as StorageError {
                #expect(error.code == .notFound)
            }
            #expect(try inspect(path + "/lectern.db") { try $0.integer("SELECT count(*) FROM events") } == 0)
        }
    }

    @Test("history pages newest first, by id, with no gap and no overlap")
    func historyPages() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let other = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, (1...25).map { event("s", $0) })
            _ = try await store.appendEvents(readerID: other.id, (1...5).map { event("s", $0) })
            var seen: [StoredEvent] = []
            var cursor: Int64?
            while true {
                let page = try await store.events(readerID: reader.id, beforeID: cursor, limit: 10)
                seen += page
                guard page.count == 10, let last = page.last else { break }
                cursor = last.id
            }
            #expect(seen.count == 25)
            #expect(seen.map(\.sequence) == Array((1...25).reversed()))
            #expect(seen.allSatisfy { $0.readerID == reader.id })
            #expect(seen.first?.payload == Array("{\"n\":25}".utf8))
        }
    }

    @Test("a history read stops at the event whose size passes the byte bound, filtered or not")
    func historyByteBound() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let big = (1...10).map { NewEvent(clientSessionID: "s", sequence: $0, type: "page_view", occurredAtMs: 1, payload: Array(repeating: 7, count: 1_000)) }
            _ = try await store.appendEvents(readerID: reader.id, big)
            let size = try #require(try await store.events(readerID: reader.id, beforeID: nil, limit: 1).first?.sizeBound)
            for types in [[], ["page_view"]] {
                // Three events pass 2.5 sizes: the third is the last read.
                let page = try await store.events(
                    readerID: reader.id, beforeID: nil, limit: 10, sinceMs: 0, untilMs: 0, types: types, stopAfterBytes: size * 5 / 2
                )
                #expect(page.map(\.sequence) == [10, 9, 8])
                let all = try await store.events(readerID: reader.id, beforeID: nil, limit: 10, sinceMs: 0, untilMs: 0, types: types, stopAfterBytes: .max)
                #expect(all.count == 10)
            }
        }
    }

    @Test("history filters by type and by time received")
    func historyFilters() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, [event("s", 1, type: "page_view"), event("s", 2, type: "answer"), event("s", 3, type: "quo\"te")])
            let answers = try await store.events(readerID: reader.id, beforeID: nil, limit: 10, types: ["answer", "quo\"te"])
            #expect(answers.map(\.sequence) == [3, 2])
            let future = try await store.events(readerID: reader.id, beforeID: nil, limit: 10, sinceMs: .max)
            #expect(future.isEmpty)
            #expect(try await store.events(readerID: reader.id, beforeID: nil, limit: 10, sinceMs: 0, types: []).count == 3)
        }
    }

    @Test("a filtered page reads at most scanLimit events; a short page says where the next one starts")
    func filteredScanBound() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            // One answer, the oldest event, under scanLimit + 300 page views.
            let count = EventPage.scanLimit + 301
            for start in stride(from: 1, through: count, by: 1_000) {
                let batch = (start..<min(start + 1_000, count + 1)).map { event("s", UInt64($0), type: $0 == 1 ? "answer" : "page_view") }
                _ = try await store.appendEvents(readerID: reader.id, batch)
            }
            func page(below: Int64?, _ types: [String], limit: Int = 10) async throws -> EventPage {
                try await store.eventPage(readerID: reader.id, beforeID: below, limit: limit, sinceMs: 0, untilMs: 0, types: types, stopAfterBytes: .max)
            }
            let first = try await page(below: nil, ["answer"])
            #expect(first.events.isEmpty)
            let floor = try #require(first.scannedDownTo)
            // The floor is the scanLimit-th newest event: what the page read, and no more.
            let newest = try await store.events(readerID: reader.id, beforeID: nil, limit: EventPage.scanLimit)
            #expect(floor == newest.last?.id)
            let second = try await page(below: floor, ["answer"])
            #expect(second.events.map(\.sequence) == [1])
            #expect(second.scannedDownTo == nil)
            // A filter that fills its page, and an unfiltered page, never stop early.
            let views = try await page(below: nil, ["page_view"])
            #expect(views.events.count == 10 && views.scannedDownTo == nil)
            #expect(try await page(below: nil, []).scannedDownTo == nil)
        }
    }

    @Test("a secret is made once and then kept")
    func secrets() async throws {
        try await withTemporaryStore { store, _ in
            let first = try await store.secret(named: "page-tokens") { [1, 2, 3] }
            let second = try await store.secret(named: "page-tokens") { [9, 9, 9] }
            #expect(first == [1, 2, 3] && second == [1, 2, 3])
        }
    }

    @Test("creating a reader with a taken email is a conflict")
    func emailConflict() async throws {
        try await withTemporaryStore { store, _ in
            _ = try await store.createReader(NewReader(email: "a@example.org", displayName: "A", passwordHash: "h"))
            do {
                _ = try await store.createReader(NewReader(email: "a@example.org", displayName: "B", passwordHash: "h"))
                Issue.record("a second reader with the same email was created")
            } catch let error as StorageError {
                #expect(error.code == .conflict)
            }
        }
    }

    @Test("stats describe the database and the writer")
    func stats() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, [event("s", 1)])
            let stats = try await store.stats()
            #expect(stats.pageSize == 4096)
            #expect(stats.pageCount > 0)
            #expect(stats.walBytes > 0)
            #expect(stats.writer.batches >= 2)
            #expect(stats.writer.commitMicroseconds.count == Int(stats.writer.batches))
        }
    }

    @Test("checkpoint(TRUNCATE) empties the WAL")
    func checkpoint() async throws {
        try await withTemporaryStore { store, path in
            let reader = try await store.makeReader()
            _ = try await store.appendEvents(readerID: reader.id, (1...100).map { event("s", $0) })
            let outcome = try await store.checkpoint(.truncate)
            #expect(!outcome.busy)
            let size = try FileManager.default.attributesOfItem(atPath: path + "/lectern.db-wal")[.size] as? Int
            #expect(size == 0)
            #expect(try await store.integrityCheck() == ["ok"])
        }
    }

    @Test("past its page threshold the WAL is checkpointed by the checkpointer's thread, not by a commit")
    func backgroundCheckpoint() async throws {
        try await withTemporaryStore({ $0.walAutocheckpointPages = 8 }) { store, path in
            let reader = try await store.makeReader()
            for batch in 0..<10 {
                _ = try await store.appendEvents(readerID: reader.id, (1...20).map { event("s\(batch)", $0) })
            }
            var checkpoints: UInt64 = 0
            for _ in 0..<500 where checkpoints == 0 {
                checkpoints = try await store.stats().writer.backgroundCheckpoints
                if checkpoints == 0 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(checkpoints > 0)
            // An explicit checkpoint waits for a background one instead of failing busy.
            let outcome = try await store.checkpoint(.truncate)
            #expect(!outcome.busy)
            #expect(try await store.events(readerID: reader.id, beforeID: nil, limit: 500).count == 200)
            #expect(try await store.integrityCheck() == ["ok"])
        }
    }

    @Test("the WAL is truncated automatically once it passes its threshold")
    func automaticCheckpoint() async throws {
        try await withTemporaryStore({ $0.walTruncateThresholdBytes = 64 * 1024 }) { store, path in
            let reader = try await store.makeReader()
            for batch in 0..<20 {
                _ = try await store.appendEvents(readerID: reader.id, (1...50).map { event("s\(batch)", $0) })
            }
            let stats = try await store.stats()
            #expect(stats.writer.automaticCheckpoints > 0)
            #expect(stats.walBytes <= 128 * 1024)
        }
    }
}

extension SQLiteStoreTests {
    @Test("a long read holds the automatic TRUNCATE back, not the writers; once it ends the WAL shrinks")
    func longReadAndTruncate() async throws {
        try await withTemporaryStore({ $0.walTruncateThresholdBytes = 64 * 1024 }) { store, path in
            let reader = try await store.makeReader()
            // A committed write, so the long read's snapshot includes WAL frames (a reader
            // of the database file alone would not hold a TRUNCATE back).
            _ = try await store.appendEvents(readerID: reader.id, [event("before", 1)])
            let holding = Gate(), release = Gate()
            let longRead = Task {
                try await store.readers.read { connection in
                    _ = try connection.integer("SELECT count(*) FROM readers")
                    holding.open()
                    release.wait()
                }
            }
            await holding.passed()
            let checkpointsBefore = store.writer.statistics.snapshot.automaticCheckpoints
            for batch in 0..<20 {
                _ = try await store.appendEvents(readerID: reader.id, (1...50).map { event("held\(batch)", $0) })
            }
            let walWhileHeld = try await store.stats().walBytes
            #expect(walWhileHeld > 64 * 1024)
            #expect(store.writer.statistics.snapshot.automaticCheckpoints == checkpointsBefore)
            release.open()
            try await longRead.value
            // The writer retries a busy TRUNCATE at most once a second (WriterQueue).
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await store.appendEvents(readerID: reader.id, [event("after", 1)])
            // The writer checkpoints after resuming that caller; the next write waits for it.
            _ = try await store.appendEvents(readerID: reader.id, [event("after", 2)])
            #expect(store.writer.statistics.snapshot.automaticCheckpoints > checkpointsBefore)
            #expect(try await store.stats().walBytes < walWhileHeld)
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
