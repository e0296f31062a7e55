import CSQLite
import Dispatch
import Foundation
import LecternLocks
import Synchronization

/// N read-only connections, each owned by its own thread, serving reads from one FIFO;
/// and a few more for point reads, which the caller's own thread uses when one is free.
///
/// A read runs on a connection thread (never on the cooperative pool) inside one read
/// transaction, so it sees one consistent snapshot; a connection serves one read at a
/// time. Under load the threads take the next read without sleeping, so a read costs
/// one hop back to its caller. Waiting ends at the caller's deadline
/// (`deadlineExceeded`) or when its task is cancelled (`cancelled`); cancelling a read
/// that is running interrupts its statement (`sqlite3_interrupt`).
///
/// A point read (one row by its key, a few microseconds) costs less than the two thread
/// wake-ups of a hop to a connection thread and back, so `pointRead` runs it at once on the
/// calling thread when a direct connection is free, and queues it like any read otherwise.
/// So does a short page (`SQLiteStore.pageRead`: up to 100 rows of one index range).
/// Both kinds of connection keep their read transaction open for the next read while the
/// writer has committed nothing since it began (`ReusedSnapshot`).
final class ReadPool: Sendable {
    private struct State {
        var queue: [ReadJob] = []
        var head = 0
        var closed = false
        /// The job each connection thread is running, by thread index.
        var running: [ReadJob?]
        /// When the deadline watcher wakes next; nil while it waits for a deadline to watch.
        var watcherWakesAt: ContinuousClock.Instant?

        mutating func popFirst() -> ReadJob? {
            guard head < queue.count else { return nil }
            let job = queue[head]
            head += 1
            if head > 64 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return job
        }

        mutating func remove(_ job: ReadJob) -> Bool {
            guard let index = queue[head...].firstIndex(where: { $0 === job }) else { return false }
            queue.remove(at: index)
            return true
        }

        var waiting: Int { queue.count - head }
    }

    /// A pthread mutex: every read takes it (to queue, and to be taken by a connection
    /// thread), so it is contended, and a contended `Synchronization.Mutex` on Linux hands
    /// itself to a sleeping waiter through the kernel (a priority-inheritance futex;
    /// swiftlang/swift#88440). ListMyEvents at 64 calls, alternated three times: the same
    /// calls/s, p99.9 10.2–10.6 ms before, 7.5–8.5 ms after.
    private let state: PthreadMutex<State>
    /// One signal per queued job (and one per thread at close).
    private let work = DispatchSemaphore(value: 0)
    private let interrupters: [Interrupter]
    /// Per connection: set when its running read is cancelled, read by SQLite's progress
    /// handler. `sqlite3_interrupt` alone is not enough: SQLite forgets an interrupt that
    /// arrives before the connection's first statement starts.
    private let cancelFlags: [CancelFlag]
    private let finished = DispatchSemaphore(value: 0)
    /// Wakes the deadline watcher early: a queued read's deadline is sooner than its alarm.
    private let deadlineWake = DispatchSemaphore(value: 0)
    /// Connections for point reads on the caller's thread.
    private let direct: [DirectConnection]
    /// The writer's commits: a snapshot taken before the latest is not reused.
    private let commits: CommitCounter
    /// Whether a sweep of old snapshots is scheduled.
    private let sweepScheduled = Atomic<Bool>(false)
    /// How long a snapshot serves reads at most (`StoreConfiguration.snapshotMaxAge`).
    private let snapshotMaxAge: Duration
    let size: Int

    init(
        connections: [Connection], directConnections: [Connection] = [], commits: CommitCounter,
        snapshotMaxAge: Duration = .milliseconds(5)
    ) {
        size = connections.count
        self.commits = commits
        self.snapshotMaxAge = snapshotMaxAge
        defer {
            // A commit makes every open snapshot stale: end them at once, or a snapshot
            // left open between reads would keep the writer from starting the WAL over.
            commits.observe { [weak self] in self?.endStaleSnapshots() }
        }
        direct = directConnections.map { DirectConnection($0, snapshotMaxAge: snapshotMaxAge) }
        interrupters = connections.map(\.interrupter)
        cancelFlags = connections.map { _ in CancelFlag() }
        state = PthreadMutex(State(running: Array(repeating: nil, count: connections.count)))
        for (index, connection) in connections.enumerated() {
            // Every 1,000 virtual-machine steps, a cancelled read's statement stops with SQLITE_INTERRUPT.
            sqlite3_progress_handler(connection.handle, 1_000, { context in
                guard let context else { return 0 }
                return Unmanaged<CancelFlag>.fromOpaque(context).takeUnretainedValue().isSet ? 1 : 0
            }, Unmanaged.passUnretained(cancelFlags[index]).toOpaque())
            connection.startOwningThread(named: "lectern.read.\(index)", { [self] in serve($0, index: index) }, finished: { [finished] in _ = finished.signal() })
        }
        // One thread fails queued reads whose deadline passed: no timer per read.
        startThread(named: "lectern.timer") { [self] in
            watchDeadlines()
            finished.signal()
        }
    }

    /// Runs `body` on a connection inside a read transaction.
    /// - Parameter deadline: when to stop waiting for a connection; nil waits until cancelled.
    func read<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        let job = TypedReadJob(body: body)
        job.deadline = deadline
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                job.continuation = continuation
                let (refused, wakeWatcher) = state.withLock { state -> (Bool, Bool) in
                    if state.closed { return (true, false) }
                    state.queue.append(job)
                    guard let deadline else { return (false, false) }
                    // Wake the watcher only when this deadline comes before its alarm.
                    if let alarm = state.watcherWakesAt, alarm <= deadline { return (false, false) }
                    state.watcherWakesAt = deadline
                    return (false, true)
                }
                if refused {
                    job.fail(StorageError(.closed, "the store is closed"))
                    return
                }
                work.signal()
                if wakeWatcher { deadlineWake.signal() }
            }
        } onCancel: {
            abandon(job, StorageError(.cancelled, "cancelled while waiting for a read connection"), interruptIfRunning: true)
        }
    }

    /// Runs `body` (a point read: one statement, for one row by its key) at once on the
    /// calling thread if a direct connection is free; otherwise like `read`. It never waits
    /// for a lock: a busy direct connection is skipped.
    ///
    /// A direct connection keeps its read transaction open after a point read, and the
    /// next point read on it runs in the same snapshot if the writer has committed nothing
    /// since the snapshot began and it is younger than `snapshotMaxAge`.
    /// Every read transaction takes and releases SQLite's per-file shared-memory lock, which
    /// all threads share: between reads, that is most of what a point read costs. A caller
    /// always sees every write acknowledged to it, since the acknowledgement came after the
    /// commit was counted. A sweep ends snapshots that outlived their age, so an idle
    /// connection does not hold the WAL back.
    func pointRead<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try Task.checkCancellation()
        for slot in direct {
            guard let (outcome, began) = slot.read(commits, body) else { continue }
            if began { scheduleSweep() }
            return try outcome.get()
        }
        return try await read(deadline: deadline, body)
    }

    /// Ends the snapshots begun before the writer's latest commit, on the free direct
    /// connections; a busy one ends its own when its read is done.
    private func endStaleSnapshots() {
        let current = commits.current
        for slot in direct { slot.endSnapshotIfStale(commits: current) }
    }

    /// Ends, in `snapshotMaxAge`, the snapshots that are then older than
    /// that; again after that while any is left open. One sweep is scheduled at a time.
    private func scheduleSweep() {
        guard !sweepScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(snapshotMaxAge.clampedNanoseconds)) { [self] in
            sweepScheduled.store(false, ordering: .releasing)
            var open = false
            for slot in direct where slot.endSnapshotIfOld() { open = true }
            if open { scheduleSweep() }
        }
    }

    /// Direct connections holding a read transaction open, for tests.
    var openSnapshots: Int { direct.filter(\.hasSnapshot).count }

    /// Fails `job` if it is still queued; with `interruptIfRunning`, interrupts it if it runs.
    private func abandon(_ job: ReadJob, _ error: StorageError, interruptIfRunning: Bool = false) {
        let removed = state.withLock { state -> Bool in
            if state.remove(job) { return true }
            // Interrupt under the lock: the thread clears `running` under it before it
            // takes the next job, so only this job's statement can be hit.
            if interruptIfRunning, let thread = state.running.firstIndex(where: { $0 === job }) {
                job.markCancelled()
                cancelFlags[thread].set(true)
                interrupters[thread].interrupt()
            }
            return false
        }
        if removed { job.fail(error) }
    }

    /// Fails queued reads and later ones with `closed`, lets running reads finish, stops
    /// the threads and closes the connections.
    func close() {
        let queued = state.withLock { state -> [ReadJob]? in
            guard !state.closed else { return nil }
            state.closed = true
            defer {
                state.queue.removeAll()
                state.head = 0
            }
            return Array(state.queue[state.head...])
        }
        // A second close has nothing left to stop.
        guard let queued else { return }
        for job in queued { job.fail(StorageError(.closed, "the store is closed")) }
        // Waits for a point read in progress, then closes its connection.
        for slot in direct { slot.close() }
        for _ in 0..<size { work.signal() }
        deadlineWake.signal()
        for _ in 0...size { finished.wait() }
    }

    /// Fails the queued reads whose deadline passed, then sleeps until the soonest deadline
    /// still queued (or until a read with a sooner one arrives).
    private func watchDeadlines() {
        while true {
            let now = ContinuousClock.now
            let (expired, next, closed) = state.withLock { state -> ([ReadJob], ContinuousClock.Instant?, Bool) in
                var expired: [ReadJob] = []
                var next: ContinuousClock.Instant?
                for job in state.queue[state.head...] {
                    guard let deadline = job.deadline else { continue }
                    if deadline <= now { expired.append(job) } else { next = min(next ?? deadline, deadline) }
                }
                for job in expired { _ = state.remove(job) }
                state.watcherWakesAt = next
                return (expired, next, state.closed)
            }
            for job in expired { job.fail(StorageError(.deadlineExceeded, "no read connection became free before the deadline")) }
            if closed { return }
            if let next {
                _ = deadlineWake.wait(timeout: .now() + .nanoseconds(now.duration(to: next).clampedNanoseconds))
            } else {
                deadlineWake.wait()
            }
        }
    }

    // MARK: Connection threads

    /// A connection thread: runs queued reads one at a time. While more reads wait, the
    /// read transaction stays open for the next one (`ReusedSnapshot`); the thread ends it
    /// before it sleeps, so an idle connection holds no snapshot.
    private func serve(_ connection: Connection, index: Int) {
        var snapshot = ReusedSnapshot(maxAge: snapshotMaxAge)
        while true {
            work.wait()
            let next = state.withLock { state -> (job: ReadJob?, closed: Bool) in
                let job = state.popFirst()
                state.running[index] = job
                cancelFlags[index].set(false)
                return (job, state.closed)
            }
            guard let job = next.job else {
                snapshot.end(connection)
                if next.closed { return }
                continue
            }
            job.run(on: connection, in: &snapshot, commits: commits)
            let moreWaiting = state.withLock { state in
                state.running[index] = nil
                return state.waiting > 0
            }
            if !moreWaiting { snapshot.end(connection) }
            job.complete()
        }
    }
}

/// Whether a connection's running read was cancelled; shared with SQLite's progress handler.
private final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set(_ cancelled: Bool) { value.store(cancelled, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// A queued read, type-erased for the queue.
private class ReadJob: @unchecked Sendable {
    // @unchecked: fields are set by the caller before the job is queued, then touched only
    // by the one connection thread that runs it (or by `fail`, once it left the queue).
    private let cancelled = Atomic<Bool>(false)
    /// When the caller stops waiting for a connection; set before the job is queued.
    var deadline: ContinuousClock.Instant?

    func markCancelled() { cancelled.store(true, ordering: .releasing) }
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func run(on connection: Connection, in snapshot: inout ReusedSnapshot, commits: CommitCounter) {}
    func complete() {}
    func fail(_ error: StorageError) {}
}

private final class TypedReadJob<T: Sendable>: ReadJob, @unchecked Sendable {
    private let body: @Sendable (Connection) throws -> T
    var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?

    init(body: @escaping @Sendable (Connection) throws -> T) {
        self.body = body
    }

    override func run(on connection: Connection, in snapshot: inout ReusedSnapshot, commits: CommitCounter) {
        result = Result {
            do {
                return try snapshot.read(on: connection, commits: commits, body)
            } catch {
                if isCancelled { throw StorageError(.cancelled, "the read was cancelled") }
                throw error
            }
        }
    }

    override func complete() {
        continuation?.resume(with: result ?? .failure(StorageError(.cancelled, "the read did not run")))
    }

    override func fail(_ error: StorageError) {
        continuation?.resume(throwing: error)
    }
}

/// A read transaction kept open between reads for as long as it shows the newest commit:
/// every read transaction takes and releases SQLite's per-file shared-memory lock, which
/// all threads of the process contend for. A read runs in the open snapshot if the writer's
/// commit count has not moved since it began and it is younger than `maxAge`; otherwise
/// the snapshot ends and a new one begins. So a read always sees every commit acknowledged
/// before it started. Whoever owns the connection ends the snapshot when it has no more
/// reads to run.
struct ReusedSnapshot {
    /// The commit count read before the snapshot began, and when it began.
    private var began: (commits: UInt64, at: ContinuousClock.Instant)?
    private var reads = 0
    /// Whether the last snapshot to end served a single read; cleared when read.
    private var endedAfterOneRead = false

    /// How long a snapshot serves reads at most, even with no commit since; it keeps a
    /// TRUNCATE checkpoint waiting no longer than this.
    let maxAge: Duration

    init(maxAge: Duration) { self.maxAge = maxAge }

    var isOpen: Bool { began != nil }

    /// `body` in the open snapshot if it is still current, else in a new one, left open
    /// unless a commit came during the read.
    mutating func read<T>(on connection: Connection, commits: CommitCounter, _ body: (Connection) throws -> T) throws -> T {
        // Counted before a new snapshot begins: a commit after this makes it stale.
        let seen = commits.current
        endIfStale(connection, commits: seen)
        return try readChecked(on: connection, seen: seen, commits: commits, body)
    }

    /// `body` in the open snapshot, which `endIfStale(_:commits: seen)` just kept, or in a
    /// new one labelled `seen`.
    mutating func readChecked<T>(
        on connection: Connection, seen: UInt64, commits: CommitCounter, _ body: (Connection) throws -> T
    ) throws -> T {
        if began == nil {
            try connection.run(SQL.beginRead)
            began = (seen, ContinuousClock.now)
            reads = 0
        }
        reads += 1
        do {
            let value = try body(connection)
            if commits.current != began?.commits { end(connection) }
            return value
        } catch {
            end(connection)
            throw error
        }
    }

    /// Ends the snapshot if it began before commit number `commits` or reached `maxAge`.
    mutating func endIfStale(_ connection: Connection, commits: UInt64) {
        if let began, began.commits != commits { return end(connection) }
        endIfOld(connection)
    }

    /// Ends the snapshot if it reached `maxAge`.
    mutating func endIfOld(_ connection: Connection) {
        if let began, ContinuousClock.now - began.at >= maxAge { end(connection) }
    }

    mutating func end(_ connection: Connection) {
        guard began != nil else { return }
        began = nil
        endedAfterOneRead = reads < 2
        if (try? connection.run(SQL.commit)) == nil, !connection.isAutocommit { try? connection.execute("ROLLBACK") }
    }

    /// Whether a snapshot ended after serving a single read since the last call.
    mutating func takeEndedAfterOneRead() -> Bool {
        defer { endedAfterOneRead = false }
        return endedAfterOneRead
    }
}

/// Counts the writer's commits; after each commit, before it resumes the batch's callers,
/// the writer calls `committed()`, which adds one and tells the observer.
final class CommitCounter: Sendable {
    private let value = Atomic<UInt64>(0)
    /// Held in a class: a closure stored as a `Mutex`'s value is re-wrapped in a
    /// reabstraction thunk by every `withLock`, so its calls grow slower with each one.
    private final class Observer: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    private let observer = Mutex<Observer?>(nil)

    var current: UInt64 { value.load(ordering: .acquiring) }

    /// Sets what `committed()` calls, on the writer's thread; it must not block.
    func observe(_ body: @escaping @Sendable () -> Void) { observer.withLock { $0 = Observer(body) } }

    func committed() {
        value.wrappingAdd(1, ordering: .releasing)
        observer.withLock { $0 }?.body()
    }
}

/// A connection for point reads, used by whichever thread holds its lock.
private final class DirectConnection: @unchecked Sendable {
    // @unchecked: every field is only touched with `lock` held.
    /// A pthread mutex, not `Synchronization.Mutex`: point reads skip a busy connection by
    /// failing to take this lock, and on Linux a failed `withLockIfAvailable` of the latter is
    /// a `FUTEX_TRYLOCK_PI` system call (and the owner's unlock one more). `strace` of a
    /// one-second store read run: 11,453 of them; GetMyState through the store gained
    /// 47–54 % without them.
    private let lock = PthreadMutex(())
    private var connection: Connection?
    private var snapshot: ReusedSnapshot
    /// Point reads to run in their statement's own transaction before trying a snapshot
    /// again, after one that served a single read.
    private var readsWithoutSnapshot = 0

    /// When commits come faster than point reads, a snapshot serves one read and costs a
    /// BEGIN and a COMMIT more than the read alone: after such a snapshot, this many point
    /// reads run without one.
    static let readsBetweenTries = 64

    init(_ connection: Connection, snapshotMaxAge: Duration) {
        self.connection = connection
        snapshot = ReusedSnapshot(maxAge: snapshotMaxAge)
    }

    /// `body` on this connection, in the open snapshot if it is still current, else in a
    /// new one left open (or, after a snapshot that served one read, in the statement's
    /// own transaction), and whether a snapshot began; nil at once if another thread holds
    /// the connection.
    func read<T>(_ commits: CommitCounter, _ body: (Connection) throws -> T) -> (Result<T, any Error>, began: Bool)? {
        lock.withLockIfAvailable { _ in
            guard let connection else { return (.failure(StorageError(.closed, "the store is closed")), false) }
            // Counted before a new snapshot begins: a commit after this makes it stale.
            let seen = commits.current
            snapshot.endIfStale(connection, commits: seen)
            noteEndedSnapshot()
            if !snapshot.isOpen, readsWithoutSnapshot > 0 {
                readsWithoutSnapshot -= 1
                do { return (.success(try body(connection)), false) } catch { return (.failure(error), false) }
            }
            let began = !snapshot.isOpen
            defer { noteEndedSnapshot() }
            do {
                return (.success(try snapshot.readChecked(on: connection, seen: seen, commits: commits, body)), began)
            } catch {
                return (.failure(error), began)
            }
        }
    }

    private func noteEndedSnapshot() {
        if snapshot.takeEndedAfterOneRead() { readsWithoutSnapshot = Self.readsBetweenTries }
    }

    /// Ends the snapshot if it began before commit number `commits`, unless another thread
    /// holds the connection.
    func endSnapshotIfStale(commits: UInt64) {
        lock.withLockIfAvailable { _ in
            guard let connection else { return }
            snapshot.endIfStale(connection, commits: commits)
            noteEndedSnapshot()
        }
    }

    /// Ends the snapshot if it reached its age; whether one is still open (or the
    /// connection is busy, so it may be).
    func endSnapshotIfOld() -> Bool {
        lock.withLockIfAvailable { _ in
            guard let connection else { return false }
            snapshot.endIfOld(connection)
            noteEndedSnapshot()
            return snapshot.isOpen
        } ?? true
    }

    var hasSnapshot: Bool { lock.withLock { _ in snapshot.isOpen } }

    /// Waits for a read in progress, ends its snapshot, then closes the connection.
    func close() {
        lock.withLock { _ in
            if let connection { snapshot.end(connection) }
            connection = nil
        }
    }
}

extension Duration {
    /// Whole nanoseconds for a Dispatch timeout: 0 when negative, at most a day (beyond
    /// what any wait here needs, and far from overflowing `Int`).
    var clampedNanoseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return Int(min(seconds, 86_400)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    }
}
