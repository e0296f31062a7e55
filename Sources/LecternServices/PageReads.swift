import Synchronization

/// How many list pages of a reader's history (events, milestones, messages) are read and
/// encoded at once, for all callers of one service together.
///
/// A page is up to about 1 MiB as Swift values and again as its encoded response.
/// The read pool's threads read pages faster than the tasks they resume encode them, so
/// without a bound every call waiting for a page soon holds one: 2,000 calls sent at once
/// made lecternd hold more than a gigabyte, then keep it. A call waits for a permit before
/// its read, and gives it back once its response is encoded; a waiting call holds only its
/// request, and its cancellation or deadline ends the wait.
final class PageReads: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(available: max(1, permits)))
    }

    /// One list page, holding a permit: `read` with the page's byte bound (`PageLimit.bytes`,
    /// a store error becoming its RPC status), cut to the page (`PageLimit.page`), then
    /// `respond` with the page and, when another follows, its last item (for the token).
    func page<Item: PageItem, Response: Sendable>(
        limit: Int, read: (_ stopAfterBytes: Int) async throws -> [Item], respond: (ArraySlice<Item>, _ continuesAfter: Item?) -> Response
    ) async throws -> Response {
        try await run {
            let items = try await storage { try await read(PageLimit.bytes) }
            let (page, continuesAfter) = PageLimit.page(items, limit: limit)
            return respond(page, continuesAfter)
        }
    }

    /// Runs `body` holding a permit.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let (free, id) = state.withLock { state -> (Bool, UInt64) in
            if state.available > 0 {
                state.available -= 1
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
                    if state.available > 0 {
                        state.available -= 1
                        return .success(())
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            // The permit passes straight to the longest waiter.
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
