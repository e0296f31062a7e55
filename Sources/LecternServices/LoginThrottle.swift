import Synchronization

/// Counts failed logins per key (an account's email, a peer's uid) in a fixed window; past
/// the limit, logins for that key are refused until the window ends.
final class LoginThrottle: Sendable {
    private let limit: Int
    private let windowMs: Int64
    private let failures = Mutex<[String: (count: Int, since: Int64)]>([:])

    init(limit: Int, windowMs: Int64) {
        self.limit = limit
        self.windowMs = windowMs
    }

    /// Milliseconds to wait before trying `key` again, or nil when it may try now.
    func retryAfter(_ key: String, nowMs: Int64) -> Int64? {
        failures.withLock { failures in
            guard let entry = failures[key] else { return nil }
            if nowMs - entry.since >= windowMs {
                failures[key] = nil
                return nil
            }
            return entry.count >= limit ? entry.since + windowMs - nowMs : nil
        }
    }

    func recordFailure(_ key: String, nowMs: Int64) {
        failures.withLock { failures in
            if let entry = failures[key], nowMs - entry.since < windowMs {
                failures[key] = (entry.count + 1, entry.since)
            } else {
                failures[key] = (1, nowMs)
            }
            // Bounded memory: a flood of distinct keys forgets the oldest windows.
            if failures.count > 100_000 {
                failures = failures.filter { nowMs - $0.value.since < windowMs }
            }
        }
    }

    func reset(_ key: String) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }
}
