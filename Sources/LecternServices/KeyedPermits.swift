import Synchronization

/// At most `perKey` bodies running at once for each key; more wait their turn, in the order
/// they came. A waiting call holds only its task, and its cancellation or deadline ends the
/// wait. A key holds no memory while nothing runs under it.
final class KeyedPermits<Key: Hashable & Sendable>: Sendable {
    private struct Slot {
        var running = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    }

    private struct State {
        var slots: [Key: Slot] = [:]
        var nextID: UInt64 = 0
    }

    let perKey: Int
    private let state = Mutex(State())

    init(perKey: Int) {
        self.perKey = max(1, perKey)
    }

    /// Runs `body` holding one of `key`'s permits.
    /// - Throws: `CancellationError` when the task is cancelled while it waits; what `body` throws.
    func run<T>(_ key: Key, _ body: () async throws -> T) async throws -> T {
        try await acquire(key)
        defer { release(key) }
        return try await body()
    }

    /// Calls waiting for one of `key`'s permits.
    func waitingCount(_ key: Key) -> Int {
        state.withLock { $0.slots[key]?.waiters.count ?? 0 }
    }

    private func acquire(_ key: Key) async throws {
        let (free, id) = state.withLock { state -> (Bool, UInt64) in
            if state.slots[key, default: Slot()].running < perKey {
                state.slots[key, default: Slot()].running += 1
                return (true, 0)
            }
            state.nextID += 1
            return (false, state.nextID)
        }
        if free { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked again under the lock that queues the waiter: a permit given back
                // since the first look is taken here, not missed.
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.slots[key, default: Slot()].running < perKey {
                        state.slots[key, default: Slot()].running += 1
                        return .success(())
                    }
                    state.slots[key, default: Slot()].waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.slots[key]?.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.slots[key]?.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release(_ key: Key) {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard let idle = state.slots[key].map({ $0.waiters.isEmpty }) else { return nil }
            if idle {
                state.slots[key]?.running -= 1
                if state.slots[key]?.running == 0 { state.slots[key] = nil }
                return nil
            }
            // The permit passes straight to the longest waiter.
            return state.slots[key]?.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
