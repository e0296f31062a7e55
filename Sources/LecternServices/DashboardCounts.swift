import LecternStorage
import Synchronization

/// The dashboard's database counts (stuck readers, unread messages, readers), per stuck
/// threshold, served from memory. Fresh for a second; after that, for up to `staleMs`, the
/// last counts are served at once while one background read refreshes them. So many
/// consultants polling cost one set of queries a second, and no Dashboard call waits for
/// them (on a large database counting the stuck readers can take tens of milliseconds).
/// Only a threshold nobody asked for lately is counted while its caller waits.
final class DashboardCountsCache: Sendable {
    private struct Entry {
        var counts: DashboardCounts
        var atMs: Int64
        var refreshing = false
    }

    /// Counts younger than this are served as they are.
    let freshMs: Int64 = 1_000
    /// Counts older than this are never served: the caller waits for new ones.
    let staleMs: Int64 = 10_000
    /// Thresholds kept at once; past it the cache starts over.
    let capacity = 16
    private let store: any Store
    private let entries = Mutex<[UInt32: Entry]>([:])

    init(store: any Store) {
        self.store = store
    }

    /// The counts for readers stuck for `stuckAfterMinutes`, as of at most about a second
    /// ago while the dashboard is being polled.
    func counts(stuckAfterMinutes: UInt32, nowMs: Int64) async throws -> DashboardCounts {
        enum Plan { case serve(DashboardCounts), serveAndRefresh(DashboardCounts), load }
        let plan = entries.withLock { entries -> Plan in
            guard var entry = entries[stuckAfterMinutes], nowMs - entry.atMs < staleMs else { return .load }
            if nowMs - entry.atMs < freshMs || entry.refreshing { return .serve(entry.counts) }
            entry.refreshing = true
            entries[stuckAfterMinutes] = entry
            return .serveAndRefresh(entry.counts)
        }
        switch plan {
        case .serve(let counts):
            return counts
        case .serveAndRefresh(let counts):
            Task { [self] in _ = try? await load(stuckAfterMinutes, nowMs: nowMs) }
            return counts
        case .load:
            return try await load(stuckAfterMinutes, nowMs: nowMs)
        }
    }

    private func load(_ stuckAfterMinutes: UInt32, nowMs: Int64) async throws -> DashboardCounts {
        let counts: DashboardCounts
        do {
            counts = try await storage { [store] in
                try await store.dashboardCounts(stuckBeforeMs: nowMs - Int64(stuckAfterMinutes) * 60_000)
            }
        } catch {
            entries.withLock { $0[stuckAfterMinutes]?.refreshing = false }
            throw error
        }
        entries.withLock { entries in
            if entries.count >= capacity, entries[stuckAfterMinutes] == nil { entries = [:] }
            entries[stuckAfterMinutes] = Entry(counts: counts, atMs: nowMs)
        }
        return counts
    }
}
