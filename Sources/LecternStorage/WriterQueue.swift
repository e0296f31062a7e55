import CSQLite
import Dispatch
import Foundation
import Synchronization

/// The only writer: one thread owns the write connection and commits whatever is waiting
/// as one transaction (group commit), so throughput grows with load.
///
/// For each batch (up to `maxBatchCommands`): `BEGIN IMMEDIATE`, each command in turn, one
/// `COMMIT`, then every caller is resumed, then subscribers get the batch's changes in
/// commit order. A command that throws fails alone: the batch is rolled back and run again
/// with each command in its own `SAVEPOINT`, and that command's caller gets its error. If
/// the commit fails, every caller of the batch gets the error and nothing of it is visible. The queue is bounded: when `maxPendingWrites`
/// commands wait, `write` fails at once with `overloaded`.
final class WriterQueue: Sendable {
    typealias Subscriber = @Sendable (CommittedBatch) -> Void

    private struct State {
        var pending: [any WriteJob] = []
        var closed = false
        var subscribers: [Subscriber] = []
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let configuration: StoreConfiguration
    let statistics = WriterStatistics()
    /// When the writer last tried an automatic TRUNCATE checkpoint that did not complete.
    /// Touched only by the writer thread.
    nonisolated(unsafe) private var lastTruncateAttempt: ContinuousClock.Instant?
    /// The last feed position given, committed or not. Touched only by the writer thread.
    nonisolated(unsafe) private var givenPosition: Int64
    /// The last feed position committed and handed to subscribers.
    private let committed: Atomic<Int64>

    /// Runs the PASSIVE checkpoints the WAL hook asks for, off the writer's path.
    private let checkpointer: Checkpointer
    /// Counted after each commit and exclusive command, before their callers resume.
    private let commits: CommitCounter

    /// Starts the writer thread, which takes ownership of `connection`, and the
    /// checkpointer, which takes `checkpointConnection`; `position` is the highest feed
    /// position the database has given.
    init(connection: Connection, checkpointConnection: Connection, configuration: StoreConfiguration, position: Int64, commits: CommitCounter) {
        self.configuration = configuration
        self.commits = commits
        givenPosition = position
        committed = Atomic(position)
        checkpointer = Checkpointer(connection: checkpointConnection, pages: configuration.walAutocheckpointPages, statistics: statistics)
        checkpointer.watch(connection)
        connection.startOwningThread(named: "lectern.writer", { [self] in runLoop($0) }, finished: { [finished] in _ = finished.signal() })
    }

    /// Runs `command` in the next batch and returns its result once the batch committed.
    /// - Throws: `overloaded` when the queue is full, `closed` after `close()`, the
    ///   command's own error (its writes rolled back), or the commit's error.
    func write<T: Sendable>(_ command: @escaping @Sendable (WriteContext) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(TransactionJob(command: command, continuation: continuation), continuation: continuation)
        }
    }

    /// Runs `command` alone, outside any transaction (a checkpoint, say), between batches.
    func exclusive<T: Sendable>(_ command: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(ExclusiveJob(command: command, continuation: continuation), continuation: continuation)
        }
    }

    private func enqueue<T>(_ job: any WriteJob, continuation: CheckedContinuation<T, any Error>) {
        let refusal: StorageError? = state.withLock { state in
            if state.closed { return StorageError(.closed, "the store is closed") }
            if state.pending.count >= configuration.maxPendingWrites {
                return StorageError(.overloaded, "the write queue is full (\(configuration.maxPendingWrites) commands waiting)")
            }
            state.pending.append(job)
            return nil
        }
        if let refusal {
            continuation.resume(throwing: refusal)
        } else {
            wakeUp.signal()
        }
    }

    /// The feed position of the last committed batch whose subscribers were called.
    var committedPosition: Int64 { committed.load(ordering: .acquiring) }

    /// Registers `subscriber` for every batch committed from now on, called on the writer
    /// thread in commit order; it must not block.
    func subscribe(_ subscriber: @escaping Subscriber) {
        state.withLock { $0.subscribers.append(subscriber) }
    }

    /// Commands waiting for the writer.
    var queueDepth: Int { state.withLock { $0.pending.count } }

    /// Fails what is still waiting with `closed`, lets the running batch finish, stops the
    /// thread and closes the connection.
    func close() {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        wakeUp.signal()
        finished.wait()
        checkpointer.close()
    }

    /// Runs `body` (a checkpoint on the write connection) when no background checkpoint
    /// runs: SQLite runs one checkpoint at a time and would answer the other SQLITE_BUSY.
    func whileNoCheckpointRuns<T>(_ body: () throws -> T) rethrows -> T {
        try checkpointer.lock.withLock { _ in try body() }
    }

    // MARK: The writer thread

    private func runLoop(_ connection: Connection) {
        while true {
            wakeUp.wait()
            while true {
                let (batch, closed, subscribers) = state.withLock { state in
                    (Self.take(from: &state.pending, limit: configuration.maxBatchCommands), state.closed, state.subscribers)
                }
                if batch.isEmpty {
                    if closed { return }
                    break
                }
                if closed {
                    for job in batch { job.finish(failure: StorageError(.closed, "the store is closed")) }
                    continue
                }
                if let exclusive = batch.first as? any ExclusiveWrite, batch.count == 1 {
                    exclusive.run(connection, then: commits.committed)
                } else {
                    commit(batch, on: connection, subscribers: subscribers)
                }
            }
        }
    }

    /// Removes and returns the leading jobs that form the next batch: transactional jobs up
    /// to `limit`, or one exclusive job alone (unless `transactionalOnly`).
    private static func take(from pending: inout [any WriteJob], limit: Int, transactionalOnly: Bool = false) -> [any WriteJob] {
        guard let first = pending.first, limit > 0 else { return [] }
        if first is any ExclusiveWrite { return transactionalOnly ? [] : [pending.removeFirst()] }
        var count = 0
        for job in pending.prefix(limit) {
            if job is any ExclusiveWrite { break }
            count += 1
        }
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    /// Transactional commands that arrived while the batch ran, up to `limit`; none once
    /// the queue is closed.
    private func takeLateArrivals(limit: Int) -> [any WriteJob] {
        state.withLock { state in
            state.closed ? [] : Self.take(from: &state.pending, limit: limit, transactionalOnly: true)
        }
    }

    private func commit(_ batch: [any WriteJob], on connection: Connection, subscribers: [Subscriber]) {
        let clock = ContinuousClock()
        let started = clock.now
        let nowMs = currentTimeMs()
        // First the whole batch with no savepoint: a savepoint copies every page its command
        // first touches into a statement journal, which costs group commit about a third
        // of its rate (BENCHMARKS.md). Commands rarely fail (a constraint, bad data); when
        // one does, the transaction rolls back and the batch runs again with a savepoint
        // per command, so the failing one fails alone. Nothing of the first try was
        // committed or published, so its positions are given again.
        var batch = batch
        var outcome = run(&batch, on: connection, nowMs: nowMs, savepoints: false)
        if case .commandFailed = outcome {
            statistics.recordRetriedBatch()
            outcome = run(&batch, on: connection, nowMs: nowMs, savepoints: true)
        }
        switch outcome {
        case .committed(let context, let activities):
            givenPosition = context.position
            commits.committed()
            for job in batch { job.finish(failure: nil) }
            statistics.record(batchSize: batch.count, commitDuration: clock.now - started)
            if !activities.isEmpty {
                let committedBatch = CommittedBatch(activities: activities, committedAtMs: context.nowMs, position: context.position)
                for subscriber in subscribers { subscriber(committedBatch) }
                committed.store(context.position, ordering: .releasing)
            }
        case .failed(let error):
            for job in batch { job.finish(failure: error) }
            return
        case .commandFailed:
            preconditionFailure("a batch run with savepoints reports its failed commands to their callers")
        }
        // Saturated: the batch just committed, or what waits for the next, is large. The
        // queue's lock is taken only when a checkpoint is due.
        if checkpointer.isDue { checkpointer.checkpoint(on: connection, writesWaiting: max(batch.count, queueDepth)) }
        checkpointIfWALTooLarge(connection)
    }

    private enum BatchOutcome {
        case committed(WriteContext, [Activity])
        /// A command threw in a batch run without savepoints; the transaction was rolled back.
        case commandFailed
        /// The batch could not commit: every caller gets `error`; nothing is visible.
        case failed(any Error)
    }

    /// One transaction for the batch. With `savepoints`, a command that throws rolls back
    /// alone; without, the first one that throws rolls the transaction back.
    ///
    /// Without savepoints, commands that arrived while the batch ran join it before the
    /// commit, up to `maxBatchCommands`. Under load, callers resumed by one commit submit
    /// again while the next batch runs; taking them in keeps the batch as large as the
    /// load, where taking only what waited at the start would alternate between large and
    /// small batches. Fewer, larger batches mean fewer commits, and fewer syncs in `full`
    /// mode.
    private func run(_ batch: inout [any WriteJob], on connection: Connection, nowMs: Int64, savepoints: Bool) -> BatchOutcome {
        let context = WriteContext(connection: connection, nowMs: nowMs, position: givenPosition)
        var activities: [Activity] = []
        do {
            try connection.run(SQL.begin)
            var next = 0
            while true {
                if next == batch.count {
                    guard !savepoints else { break }
                    let late = takeLateArrivals(limit: configuration.maxBatchCommands - batch.count)
                    if late.isEmpty { break }
                    batch += late
                }
                let job = batch[next]
                next += 1
                if savepoints { try connection.run(SQL.savepoint) }
                if job.execute(context) {
                    if savepoints { try connection.run(SQL.release) }
                    activities.append(contentsOf: context.takeActivity())
                    continue
                }
                _ = context.takeActivity()
                // SQLite rolls the whole transaction back itself after some errors
                // (disk full, I/O): then the batch cannot commit at all.
                guard !connection.isAutocommit else {
                    let code = sqlite3_extended_errcode(connection.handle)
                    throw StorageError.sqlite(code, connection.handle, "the transaction was rolled back by SQLite after a command failed")
                }
                guard savepoints else {
                    try connection.run(SQL.rollback)
                    return .commandFailed
                }
                try connection.run(SQL.rollbackToSavepoint)
                try connection.run(SQL.release)
            }
            try connection.run(SQL.commit)
            return .committed(context, activities)
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            return .failed(error)
        }
    }

    /// `wal_checkpoint(TRUNCATE)` when the WAL passed its threshold: SQLite's automatic
    /// PASSIVE checkpoints cannot shrink it while readers keep old snapshots.
    ///
    /// It waits at most 100 ms for readers (not the connection's busy timeout, which
    /// would stall every writer), and after a busy result tries again only a second later,
    /// so a long read such as a backup costs the writers one short wait per second.
    private func checkpointIfWALTooLarge(_ connection: Connection) {
        let now = ContinuousClock.now
        if let last = lastTruncateAttempt, now - last < .seconds(1) { return }
        var info = stat()
        guard stat(connection.path + "-wal", &info) == 0, Int(info.st_size) > configuration.walTruncateThresholdBytes else { return }
        lastTruncateAttempt = now
        sqlite3_busy_timeout(connection.handle, 100)
        defer { sqlite3_busy_timeout(connection.handle, Int32(configuration.busyTimeoutMs)) }
        let result = whileNoCheckpointRuns {
            sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        }
        if result == SQLITE_OK {
            lastTruncateAttempt = nil
            statistics.recordAutomaticCheckpoint()
        }
    }
}

/// The current wall-clock time in unix milliseconds.
func currentTimeMs() -> Int64 {
    Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
}


// MARK: Jobs

/// A command waiting for the writer, and the caller to resume.
private protocol WriteJob: AnyObject, Sendable {
    /// Runs the command; `false` when it threw (its error is kept for `finish`).
    func execute(_ context: WriteContext) -> Bool
    /// Resumes the caller: with the command's outcome, or `failure` when the batch failed.
    func finish(failure: (any Error)?)
}

private protocol ExclusiveWrite: WriteJob {
    /// Runs the command, calls `ran`, then resumes the caller.
    func run(_ connection: Connection, then ran: () -> Void)
}

private final class TransactionJob<T: Sendable>: WriteJob, @unchecked Sendable {
    // @unchecked: `result` is touched only by the writer thread, between execute and finish.
    private let command: @Sendable (WriteContext) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(command: @escaping @Sendable (WriteContext) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.command = command
        self.continuation = continuation
    }

    func execute(_ context: WriteContext) -> Bool {
        do {
            result = .success(try command(context))
            return true
        } catch {
            result = .failure(error)
            return false
        }
    }

    func finish(failure: (any Error)?) {
        switch (failure, result) {
        case (let failure?, .success), (let failure?, nil):
            continuation.resume(throwing: failure)
        case (_, let result?):
            continuation.resume(with: result)
        case (nil, nil):
            continuation.resume(throwing: StorageError(.closed, "the command did not run"))
        }
    }
}

private final class ExclusiveJob<T: Sendable>: ExclusiveWrite, @unchecked Sendable {
    // @unchecked: run on the writer thread only.
    private let command: @Sendable (Connection) throws -> T
    private let continuation: CheckedContinuation<T, any Error>

    init(command: @escaping @Sendable (Connection) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.command = command
        self.continuation = continuation
    }

    func execute(_ context: WriteContext) -> Bool { false }

    func run(_ connection: Connection, then ran: () -> Void) {
        let result = Result { try command(connection) }
        ran()
        continuation.resume(with: result)
    }

    func finish(failure: (any Error)?) {
        continuation.resume(throwing: failure ?? StorageError(.closed, "the command did not run"))
    }
}
