import Synchronization

/// How many events were received in each of the last 3,600 seconds, for the dashboard's
/// "events in the last 5 and 60 minutes" without counting rows in the database.
final class RecentEvents: Sendable {
    static let seconds = 3_600

    private struct Ring {
        /// The second each slot counts (unix seconds), and its count.
        var second = [Int64](repeating: -1, count: RecentEvents.seconds)
        var count = [Int](repeating: 0, count: RecentEvents.seconds)
    }

    private let ring = Mutex(Ring())

    func record(_ count: Int, atMs: Int64) {
        let second = atMs / 1000
        let slot = Int(second % Int64(Self.seconds))
        ring.withLock { ring in
            if ring.second[slot] != second {
                ring.second[slot] = second
                ring.count[slot] = 0
            }
            ring.count[slot] += count
        }
    }

    /// Events received in the last `windowMs` (at most an hour) before `nowMs`.
    func count(windowMs: Int64, nowMs: Int64) -> Int {
        let last = nowMs / 1000, first = (nowMs - windowMs) / 1000 + 1
        return ring.withLock { ring in
            var total = 0
            for slot in 0..<Self.seconds where ring.second[slot] >= first && ring.second[slot] <= last {
                total += ring.count[slot]
            }
            return total
        }
    }
}
