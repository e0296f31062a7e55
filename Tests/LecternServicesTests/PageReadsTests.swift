import Synchronization
import Testing
@testable import LecternServices

@Suite("PageReads")
struct PageReadsTests {
    @Test("no more bodies run at once than there are permits; every one runs")
    func bounded() async throws {
        let reads = PageReads(permits: 3)
        let counts = Counts()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await reads.run {
                        counts.begin()
                        try await Task.sleep(for: .milliseconds(2))
                        counts.end()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counts.value == (running: 0, most: 3, done: 40))
    }

    @Test("a call cancelled while it waits for a permit ends with CancellationError and takes none")
    func cancelledWaiter() async throws {
        let reads = PageReads(permits: 1)
        let (held, hold) = AsyncStream<Void>.makeStream()
        let (release, releaser) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await reads.run {
                hold.yield()
                for await _ in release { break }
            }
        }
        for await _ in held { break }
        let waiter = Task { try await reads.run { "ran" } }
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        releaser.yield()
        try await holder.value
        // The permit came back: the next call runs.
        #expect(try await reads.run { "ran" } == "ran")
    }
}

/// Bodies running now, the most at once, and those done.
private final class Counts: Sendable {
    private let counts = Mutex((running: 0, most: 0, done: 0))

    var value: (running: Int, most: Int, done: Int) { counts.withLock { $0 } }

    func begin() {
        counts.withLock { counts in
            counts.running += 1
            counts.most = max(counts.most, counts.running)
        }
    }

    func end() {
        counts.withLock { counts in
            counts.running -= 1
            counts.done += 1
        }
    }
}
