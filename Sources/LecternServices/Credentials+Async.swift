import Dispatch
import Foundation
import LecternLocks
import Synchronization

extension Credentials {
    /// `hashPassword` off the cooperative pool: argon2id takes tens of milliseconds and its
    /// memory limit (64 MiB), so at most two run at a time (`PasswordWork`), in the order
    /// they were asked for.
    /// - Throws: `CancellationError` when the task was cancelled before its turn came.
    static func hashPasswordOffPool(_ password: String, strength: Strength) async throws -> String {
        try await PasswordWork.shared.run { try hashPassword(password, strength: strength) }
    }

    /// `verifyPassword` off the cooperative pool, under the same limit as hashing.
    /// - Throws: `CancellationError` when the task was cancelled before its turn came.
    static func verifyPasswordOffPool(_ password: String, hash: String) async throws -> Bool {
        try await PasswordWork.shared.run { verifyPassword(password, hash: hash) }
    }
}

/// A FIFO of password work run by threads of its own (two, or one on two cores). A job whose task is cancelled
/// while it waits (its deadline passed, its client left) leaves the queue at once, so a
/// burst of sign-ups or logins whose callers are gone costs nothing and delays no one.
///
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

    private struct Job {
        let run: @Sendable () -> Void
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var waiting: [UInt64: Job] = [:]
        var order: [UInt64] = []
        var head = 0
        var nextID: UInt64 = 0

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

    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = Job(
                    run: { continuation.resume(with: Result { try work() }) },
                    cancel: { continuation.resume(throwing: CancellationError()) }
                )
                enqueue(job, id: id)
            }
        } onCancel: {
            state.withLock { $0.waiting.removeValue(forKey: id) }?.cancel()
        }
    }

    private func enqueue(_ job: Job, id: UInt64) {
        // A task cancelled before this point found nothing to remove; it must not wait.
        if Task.isCancelled { return job.cancel() }
        state.withLock { state in
            state.waiting[id] = job
            state.order.append(id)
        }
        queued.signal()
    }
}
