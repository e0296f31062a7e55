import Synchronization

/// Counts login attempts per key (an account's email, a peer's uid) in a fixed window; past
/// the limit, logins for that key are refused until the window ends.
///
/// An attempt counts from the moment it is let through, before its password is checked, and
/// stops counting only when it succeeds. Counting failures only after the check would let
/// attempts sent at once all pass the limit together: 4,000 concurrent guesses got 51
/// password checks against a limit of 5.
final class LoginThrottle: Sendable {
    private let limit: Int
    private let windowMs: Int64
    private let attempts = Mutex<[String: (count: Int, since: Int64)]>([:])

    init(limit: Int, windowMs: Int64) {
        self.limit = limit
        self.windowMs = windowMs
    }

    /// Counts an attempt for `key` and returns nil, or, past the limit, counts nothing and
    /// returns the milliseconds to wait before trying again.
    func begin(_ key: String, nowMs: Int64) -> Int64? {
        attempts.withLock { attempts in
            guard let entry = attempts[key], nowMs - entry.since < windowMs else {
                attempts[key] = (1, nowMs)
                // Bounded memory: a flood of distinct keys forgets the windows that ended.
                if attempts.count > 100_000 {
                    attempts = attempts.filter { nowMs - $0.value.since < windowMs }
                }
                return nil
            }
            guard entry.count < limit else { return entry.since + windowMs - nowMs }
            attempts[key] = (entry.count + 1, entry.since)
            return nil
        }
    }

    /// An attempt `begin` let through did not fail (it succeeded, or never reached the
    /// password check): it no longer counts.
    func withdraw(_ key: String) {
        attempts.withLock { attempts in
            guard let entry = attempts[key] else { return }
            attempts[key] = entry.count > 1 ? (entry.count - 1, entry.since) : nil
        }
    }

    /// Forgets every attempt for `key` (an account logged in with its password).
    func reset(_ key: String) {
        _ = attempts.withLock { $0.removeValue(forKey: key) }
    }
}
