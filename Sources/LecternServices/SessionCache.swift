import LecternProtocol
import LecternStorage
import Synchronization

/// Valid sessions and service keys recently seen, so that most calls authenticate without
/// reading the store. Only this process writes the database, so every change that makes a
/// cached entry wrong (logout, suspension, deletion, a role change, a revoked key) drops it
/// here at once; entries also expire after `ttlMs` in case one is missed.
///
/// A lookup that read the store before such a change may finish after it: `keep` takes the
/// `generation` read before the lookup began and keeps nothing if a `forget` came since, so a
/// suspended reader or a revoked token is never cached again from a stale read.
final class SessionCache: Sendable {
    struct Entry: Sendable {
        var session: SessionRecord
        var principal: Principal
        var cachedAtMs: Int64
    }

    private struct State {
        var sessions: [[UInt8]: Entry] = [:]
        var keys: [[UInt8]: (ServiceKeyRecord, cachedAtMs: Int64)] = [:]
        /// Counts `forget` calls.
        var generation: UInt64 = 0
    }

    let ttlMs: Int64
    /// Past this many entries the cache starts over, so memory stays bounded.
    let capacity: Int
    private let state = Mutex(State())

    init(ttlMs: Int64 = 5_000, capacity: Int = 100_000) {
        self.ttlMs = ttlMs
        self.capacity = capacity
    }

    /// Read before looking an entry up in the store; passed to `keep`.
    var generation: UInt64 { state.withLock { $0.generation } }

    func session(_ hash: [UInt8], nowMs: Int64) -> Entry? {
        state.withLock { state in
            guard let entry = state.sessions[hash], nowMs - entry.cachedAtMs < ttlMs else { return nil }
            return entry
        }
    }

    func keep(_ hash: [UInt8], _ entry: Entry, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.sessions.count >= capacity { state.sessions = [:] }
            state.sessions[hash] = entry
        }
    }

    func serviceKey(_ hash: [UInt8], nowMs: Int64) -> ServiceKeyRecord? {
        state.withLock { state in
            guard let (key, at) = state.keys[hash], nowMs - at < ttlMs else { return nil }
            return key
        }
    }

    func keep(serviceKey key: ServiceKeyRecord, _ hash: [UInt8], nowMs: Int64, readAt generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.keys.count >= capacity { state.keys = [:] }
            state.keys[hash] = (key, nowMs)
        }
    }

    func forget(tokenHash: [UInt8]) {
        state.withLock { state in
            state.generation += 1
            state.sessions.removeValue(forKey: tokenHash)
        }
    }

    /// Drops every session of the account.
    func forget(_ kind: AccountKind, accountID: Int64) {
        let accountKind = Int(kind.rawValue)
        state.withLock { state in
            state.generation += 1
            state.sessions = state.sessions.filter { $0.value.session.accountKind != accountKind || $0.value.session.accountID != accountID }
        }
    }

    func forget(serviceKeyID: Int64) {
        state.withLock { state in
            state.generation += 1
            state.keys = state.keys.filter { $0.value.0.id != serviceKeyID }
        }
    }
}
