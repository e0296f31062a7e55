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

    /// A page item of a few bytes.
    private struct Item: PageItem {
        var pageBytes: Int { 8 }
    }

    @Test("one caller's pages hold at most perCaller permits; another caller's page runs meanwhile")
    func perCaller() async throws {
        let reads = PageReads(permits: 8, perCaller: 2)
        let busy = Counts()
        let released = Flag()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    _ = try await reads.page(for: 1, limit: 1) { _ in
                        busy.begin()
                        while !released.isSet { try await Task.sleep(for: .milliseconds(1)) }
                        busy.end()
                        return [Item()]
                    } respond: { page, _ in page.count }
                }
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while busy.value.running < 2 {
                try #require(ContinuousClock.now < deadline)
                try await Task.sleep(for: .milliseconds(1))
            }
            // Caller 2 is not behind caller 1's ten.
            let other = try await reads.page(for: 2, limit: 1) { _ in [Item()] } respond: { page, _ in page.count }
            #expect(other == 1)
            #expect(busy.value.running == 2)
            released.set()
            try await group.waitForAll()
        }
        #expect(busy.value == (running: 0, most: 2, done: 10))
    }
}

@Suite("KeyedPermits")
struct KeyedPermitsTests {
    @Test("each key runs at most perKey bodies at once, in the order they came; a busy key does not hold another")
    func perKey() async throws {
        let permits = KeyedPermits<Int>(perKey: 2)
        let busy = Counts(), other = Counts()
        let released = Flag()
        let (started, starter) = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Key 1: two hold their permits until released; eight more wait.
            for _ in 0..<10 {
                group.addTask {
                    try await permits.run(1) {
                        busy.begin()
                        starter.yield()
                        while !released.isSet { try await Task.sleep(for: .milliseconds(1)) }
                        busy.end()
                    }
                }
            }
            var iterator = started.makeAsyncIterator()
            for _ in 0..<2 { await iterator.next() }
            let deadline = ContinuousClock.now + .seconds(10)
            while permits.waitingCount(1) < 8 {
                try #require(ContinuousClock.now < deadline)
                try await Task.sleep(for: .milliseconds(1))
            }
            #expect(busy.value.running == 2)
            // Key 2 runs at once meanwhile.
            for _ in 0..<2 { try await permits.run(2) { other.begin(); other.end() } }
            #expect(other.value.done == 2)
            released.set()
            try await group.waitForAll()
        }
        #expect(busy.value == (running: 0, most: 2, done: 10))
        #expect(permits.waitingCount(1) == 0)
    }
}

/// A flag one task sets and others look at.
private final class Flag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
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
