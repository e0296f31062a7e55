import Foundation
import Synchronization
import Testing
@testable import LecternStorage

/// A count shared by a test's tasks and threads.
private final class Count: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

@Suite("Backup")
struct BackupTests {
    @Test("a backup taken during writes is sound and holds every row committed before it started")
    func backupDuringWrites() async throws {
        try await withTemporaryStore { store, directory in
            let reader = try await store.makeReader()
            // Enough data for a backup of many steps.
            for batch in 0..<40 {
                _ = try await store.appendEvents(readerID: reader.id, (1...100).map { event("seed\(batch)", $0) })
            }
            let committedBefore = try await store.events(readerID: reader.id, beforeID: nil, limit: 1).first?.id ?? 0

            let writing = Atomic<Bool>(true)
            let writtenDuring = Count()
            let writer = Task {
                var sequence: UInt64 = 0
                while writing.load(ordering: .relaxed) {
                    sequence += 1
                    _ = try await store.appendEvents(readerID: reader.id, [event("during", sequence)])
                    writtenDuring.add()
                }
            }
            // Let the writer get going before the backup starts.
            while writtenDuring.value < 5 { try await Task.sleep(for: .milliseconds(1)) }

            let destination = directory + "/backup.db"
            let writesAtStart = writtenDuring.value
            // After its first step, the backup (holding its snapshot) waits for three more
            // commits: a backup of this size can otherwise end before the next one.
            let configuration = store.configuration
            let (steps, writesAtEnd) = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue(label: "backup test").async {
                    var steps: [BackupStep] = []
                    var writesSeen = writesAtStart
                    continuation.resume(with: Result {
                        try SQLiteStore.runBackup(configuration: configuration, to: destination, pagesPerStep: 16) { step in
                            steps.append(step)
                            if steps.count == 1 {
                                let end = ContinuousClock.now + .seconds(30)
                                while writtenDuring.value < writesAtStart + 3, ContinuousClock.now < end { usleep(1_000) }
                            }
                            writesSeen = writtenDuring.value
                            return true
                        }
                        return (steps, writesSeen)
                    })
                }
            }
            writing.store(false, ordering: .relaxed)
            try await writer.value

            #expect(steps.count > 3)
            #expect(steps.last?.done == true)
            #expect(zip(steps, steps.dropFirst()).allSatisfy { $0.pagesCopied <= $1.pagesCopied })
            // Writers kept going while the backup ran.
            #expect(writesAtEnd > writesAtStart)

            let (integrity, before, seeded) = try inspect(destination) { backup in
                (
                    try backup.values("PRAGMA integrity_check"),
                    try backup.integer("SELECT count(*) FROM events WHERE id <= \(committedBefore)"),
                    try backup.integer("SELECT count(*) FROM events WHERE client_session_id LIKE 'seed%'")
                )
            }
            #expect(integrity == [.text("ok")])
            #expect(before == committedBefore)
            #expect(seeded == 4_000)
        }
    }

    @Test("a backup refuses to overwrite an existing file")
    func existingDestination() async throws {
        try await withTemporaryStore { store, directory in
            let destination = directory + "/exists.db"
            #expect(FileManager.default.createFile(atPath: destination, contents: Data("keep me".utf8)))
            do {
                for try await _ in store.backup(to: destination, pagesPerStep: 10) {}
                Issue.record("the backup overwrote a file")
            } catch let error as StorageError {
                #expect(error.code == .conflict)
            }
            #expect(try String(contentsOfFile: destination, encoding: .utf8) == "keep me")
        }
    }

    @Test("a backup or an archive named as the database's rollback journal is refused: SQLite would delete it at the next start")
    func rollbackJournalName() async throws {
        try await withTemporaryStore { store, _ in
            let journal = store.configuration.path + "-journal"
            do {
                for try await _ in store.backup(to: journal, pagesPerStep: 10) {}
                Issue.record("a backup was written where SQLite looks for a hot journal")
            } catch let error as StorageError {
                #expect(error.code == .invalidArgument && error.message.contains("rollback journal"))
            }
            do {
                _ = try await store.archiveEvents(beforeMs: 1, to: journal)
                Issue.record("an archive was written where SQLite looks for a hot journal")
            } catch let error as StorageError {
                #expect(error.code == .invalidArgument && error.message.contains("rollback journal"))
            }
            #expect(!FileManager.default.fileExists(atPath: journal))
        }
    }

    /// 2,000 events of one reader: a copy of many 4-page steps.
    private func seedTwoThousandEvents(_ store: SQLiteStore) async throws {
        let reader = try await store.makeReader()
        for batch in 0..<20 {
            _ = try await store.appendEvents(readerID: reader.id, (1...100).map { event("s\(batch)", $0) })
        }
    }

    @Test("abandoning a backup removes the partial file")
    func abandonedBackup() async throws {
        try await withTemporaryStore { store, directory in
            try await seedTwoThousandEvents(store)
            let destination = directory + "/partial.db"
            var steps = 0
            do {
                try SQLiteStore.runBackup(configuration: store.configuration, to: destination, pagesPerStep: 4) { _ in
                    steps += 1
                    return false
                }
                Issue.record("an abandoned backup completed")
            } catch let error as StorageError {
                #expect(error.code == .cancelled)
            }
            #expect(steps == 1)
            #expect(!FileManager.default.fileExists(atPath: destination))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("partial.db") }.isEmpty)
        }
    }

    @Test("the destination never holds part of a copy; a file made there during the copy is kept and the backup refused")
    func destinationAppearsWhole() async throws {
        try await withTemporaryStore { store, directory in
            try await seedTwoThousandEvents(store)
            let destination = directory + "/race.db"
            var emptyWhileCopying = true
            do {
                try SQLiteStore.runBackup(configuration: store.configuration, to: destination, pagesPerStep: 4) { step in
                    guard !step.done else { return true }
                    if FileManager.default.fileExists(atPath: destination) {
                        emptyWhileCopying = emptyWhileCopying && (try? String(contentsOfFile: destination, encoding: .utf8)) == "theirs"
                    } else {
                        // Another backup (or anyone) takes the name while this one copies.
                        _ = FileManager.default.createFile(atPath: destination, contents: Data("theirs".utf8))
                    }
                    return true
                }
                Issue.record("the backup replaced a file made during the copy")
            } catch let error as StorageError {
                #expect(error.code == .conflict && error.message.contains("already exists"))
            }
            #expect(emptyWhileCopying)
            #expect(try String(contentsOfFile: destination, encoding: .utf8) == "theirs")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".partial") }.isEmpty)
            // And with the name free, the same backup completes.
            let free = directory + "/whole.db"
            try SQLiteStore.runBackup(configuration: store.configuration, to: free, pagesPerStep: 4) { _ in true }
            #expect(try inspect(free) { try $0.integer("SELECT count(*) FROM events") } == 2_000)
        }
    }
}
