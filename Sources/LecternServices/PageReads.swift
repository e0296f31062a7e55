/// How many list pages of a reader's history (events, milestones, messages) are read and
/// encoded at once, for all callers of one service together.
///
/// A page is up to about 1 MiB as Swift values and again as its encoded response.
/// The read pool's threads read pages faster than the tasks they resume encode them, so
/// without a bound every call waiting for a page soon holds one: 2,000 calls sent at once
/// made lecternd hold more than a gigabyte, then keep it. A call waits for a permit before
/// its read, and gives it back once its response is encoded; a waiting call holds only its
/// request, and its cancellation or deadline ends the wait.
///
/// Each caller (a reader, a consultant) has at most `perCaller` of the permits at once, and
/// its further pages wait in a queue of its own: one reader's 4,000 pages sent at once held
/// another reader's 50-event page 2.3 s behind them in the shared queue.
final class PageReads: Sendable {
    private let permits: KeyedPermits<Int>
    private let callers: KeyedPermits<Int64>

    init(permits: Int, perCaller: Int = 2) {
        self.permits = KeyedPermits(perKey: permits)
        callers = KeyedPermits(perKey: min(perCaller, permits))
    }

    /// One list page for `caller` (the account's id), holding a permit: `read` with the
    /// page's byte bound (`PageLimit.bytes`, a store error becoming its RPC status), cut to the
    /// page (`PageLimit.page`), then `respond` with the page and, when another follows, its
    /// last item (for the token).
    func page<Item: PageItem, Response: Sendable>(
        for caller: Int64, limit: Int,
        read: (_ stopAfterBytes: Int) async throws -> [Item], respond: (ArraySlice<Item>, _ continuesAfter: Item?) -> Response
    ) async throws -> Response {
        try await callers.run(caller) {
            try await run {
                let items = try await storage { try await read(PageLimit.bytes) }
                let (page, continuesAfter) = PageLimit.page(items, limit: limit)
                return respond(page, continuesAfter)
            }
        }
    }

    /// Runs `body` holding a permit.
    func run<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await permits.run(0, body)
    }
}
