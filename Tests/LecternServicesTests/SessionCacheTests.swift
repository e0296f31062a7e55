import LecternProtocol
import LecternStorage
import Testing
@testable import LecternServices

@Suite("SessionCache")
struct SessionCacheTests {
    private let hash: [UInt8] = Array(repeating: 7, count: 32)

    private func entry(accountID: Int64) -> SessionCache.Entry {
        let session = SessionRecord(tokenHash: hash, accountKind: 1, accountID: accountID, createdAtMs: 0, expiresAtMs: 10_000)
        return SessionCache.Entry(session: session, principal: .socketOwner(uid: 0), cachedAtMs: 1_000)
    }

    @Test("a lookup that read the store before a forget is not kept: a suspension cannot be undone by a stale read")
    func staleLookupIsNotKept() {
        let cache = SessionCache()
        let before = cache.generation
        // The reader is suspended while its lookup is in flight.
        cache.forget(.reader, accountID: 42)
        cache.keep(hash, entry(accountID: 42), readAt: before)
        #expect(cache.session(hash, nowMs: 1_000) == nil)
        // A lookup begun after the forget is kept.
        cache.keep(hash, entry(accountID: 42), readAt: cache.generation)
        #expect(cache.session(hash, nowMs: 1_000)?.session.accountID == 42)
        #expect(cache.session(hash, nowMs: 1_000 + cache.ttlMs) == nil)
    }

}
