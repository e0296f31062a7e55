import Dispatch
import Foundation
import LecternLocks
import LecternProtocol
import Synchronization

extension Credentials {
    /// `hashPassword` off the cooperative pool: argon2id takes tens of milliseconds and its
    /// memory limit (64 MiB), so at most two run at a time (`PasswordWork`), in the order
    /// they were asked for, in the lane of new passwords.
    /// - Throws: `CancellationError` when the task was cancelled before its turn came;
    ///   RESOURCE_EXHAUSTED when the lane has `PasswordWork.maxWaiting` jobs waiting.
    static func hashPasswordOffPool(_ password: String, strength: Strength) async throws -> String {
        try await PasswordWork.shared.run(.hash) { try hashPassword(password, strength: strength) }
    }

    /// `verifyPassword` off the cooperative pool, under the same limit as hashing, in the
    /// lane of logins.
    /// - Throws: as `hashPasswordOffPool`.
    static func verifyPasswordOffPool(_ password: String, hash: String) async throws -> Bool {
        try await PasswordWork.shared.run(.verify) { verifyPassword(password, hash: hash) }
    }
}

/// Password work run by threads of its own (two, or one on two cores), in two lanes that
/// take turns: checking the password of a login, and hashing a new one (a sign-up, a new
/// consultant). Each lane is a FIFO of at most `maxWaiting` jobs; one more is refused at once
/// with RESOURCE_EXHAUSTED. A job whose task is cancelled while it waits (its deadline
/// passed, its client left) leaves its lane at once, so a burst of sign-ups or logins whose
/// callers are gone costs nothing and delays no one.
///
/// - Lanes: sign-ups need no account, so anyone can send a thousand at once. In one FIFO
///   those held every login behind them: after 1,000 sign-ups sent at once, a login waited
///   more than 10 s (each hash about 40 ms). Taking turns, a login waits for at most the
///   logins before it and as many hashes.
/// - The bound: what waits is memory and, past a few seconds, a caller who gave up. 128
///   hashes are about 5 s of work on this machine.
/// - After a client sent 500 sign-ups and left, the next login took 0.08 s; with a
///   semaphore and no cancellation check it took more than 10 s (every abandoned hash ran),
///   and with the check made after the semaphore, 2.2 s (each abandoned job still waited its
///   turn, holding a thread).
/// - Threads of its own, not Dispatch's: on Linux, Swift's tasks run on Dispatch's global
///   threads, as many as there are cores, and two argon2id hashes of tens of milliseconds
///   each held both of this machine's. During a flood of sign-ups another client's
///   GetMyState p99 went from 0.8 ms to 543 ms (Health.Check 509 ms); on these threads,
///   3.1 ms, at the same sign-up rate; lowering their priority (nice 5 or 10) changed
///   nothing. With one thread on this 2-core machine, 0.4 ms: two hashed no faster than one
///   (argon2id's 64 MiB each) and left the event loops one core fewer.
final class PasswordWork: Sendable {
    /// Two at a time, but never on every core (40 sign-ups took 1.57 s with two threads
    /// and 1.62 s with one on this 2-core machine).
    static let shared = PasswordWork(width: min(2, max(1, ProcessInfo.processInfo.activeProcessorCount - 1)))

    /// Jobs a lane holds waiting; one more is refused.
    static let maxWaiting = 128

    enum Lane: Int, Sendable, CaseIterable {
        /// A login's password checked against its account's hash.
        case verify
        /// A new password hashed: a sign-up, a new consultant.
        case hash

        var refusal: RPCError {
            let what = self == .verify ? "logins are waiting for their password to be checked" : "new passwords are waiting to be hashed"
            return RPCError(.resourceExhausted, "\(PasswordWork.maxWaiting) \(what); try again", details: .with { $0.retryAfterMs = 1_000 })
        }
    }

    private struct Job {
        let run: @Sendable () -> Void
        /// Ends the job without running it.
        let fail: @Sendable (any Error) -> Void
    }

    /// One lane's jobs, in the order they came.
    private struct Queue {
        var waiting: [UInt64: Job] = [:]
        var order: [UInt64] = []
        var head = 0

        mutating func next() -> Job? {
            while head < order.count {
                let id = order[head]
                head += 1
                if let job = waiting.removeValue(forKey: id) {
                    // Under constant load the queue never empties: drop the taken ids now and then.
                    if head >= 1_024, head * 2 >= order.count {
                        order.removeFirst(head)
                        head = 0
                    }
                    return job
                }
            }
            order.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
    }

    private struct State {
        var lanes = Lane.allCases.map { _ in Queue() }
        /// The lane whose turn is next.
        var turn = 0
        var nextID: UInt64 = 0

        /// A job of the lane whose turn it is, or else of the other.
        mutating func next() -> Job? {
            for step in 0..<lanes.count {
                let lane = (turn + step) % lanes.count
                if let job = lanes[lane].next() {
                    turn = (lane + 1) % lanes.count
                    return job
                }
            }
            return nil
        }
    }

    private let state = Mutex(State())
    /// One signal per job queued; a worker that wakes for a job cancelled since finds none.
    private let queued = DispatchSemaphore(value: 0)

    /// Starts `width` worker threads, which live as long as the process.
    init(width: Int) {
        for index in 0..<width {
            startThread(named: "lectern.pw.\(index)") { [self] in
                while true {
                    queued.wait()
                    state.withLock { $0.next() }?.run()
                }
            }
        }
    }

    /// Runs `work` on one of the threads when its lane's turn comes.
    /// - Throws: `CancellationError` when the task was cancelled before it ran; the lane's
    ///   `refusal` when `maxWaiting` jobs wait in it.
    func run<T: Sendable>(_ lane: Lane, _ work: @escaping @Sendable () throws -> T) async throws -> T {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = Job(
                    run: { continuation.resume(with: Result { try work() }) },
                    fail: { continuation.resume(throwing: $0) }
                )
                enqueue(job, id: id, lane: lane)
            }
        } onCancel: {
            state.withLock { $0.lanes[lane.rawValue].waiting.removeValue(forKey: id) }?.fail(CancellationError())
        }
    }

    /// Jobs waiting in `lane`.
    func waitingCount(_ lane: Lane) -> Int {
        state.withLock { $0.lanes[lane.rawValue].waiting.count }
    }

    private func enqueue(_ job: Job, id: UInt64, lane: Lane) {
        // A task cancelled before this point found nothing to remove; it must not wait.
        if Task.isCancelled { return job.fail(CancellationError()) }
        let admitted = state.withLock { state in
            guard state.lanes[lane.rawValue].waiting.count < Self.maxWaiting else { return false }
            state.lanes[lane.rawValue].waiting[id] = job
            state.lanes[lane.rawValue].order.append(id)
            return true
        }
        guard admitted else { return job.fail(lane.refusal) }
        queued.signal()
    }
}
