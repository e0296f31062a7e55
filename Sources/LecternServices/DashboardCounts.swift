import LecternStorage
import Synchronization

/// The dashboard's database counts (stuck readers, unread messages, readers), per stuck
/// threshold, served from memory. Fresh for a second; after that, for up to `staleMs`, the
/// last counts are served at once while one background read refreshes them. So many
/// consultants polling cost one set of queries a second, and no Dashboard call waits for
/// them (on a large database counting the stuck readers can take tens of milliseconds).
/// Only a threshold nobody asked for lately is counted while its callers wait, all of them
/// for the same one read.
final class DashboardCountsCache: Sendable {
    private struct Entry {
        var counts: DashboardCounts
        var atMs: Int64
    }

    private struct State {
        var entries: [UInt32: Entry] = [:]
        /// The read running for a threshold, which callers with no usable counts wait for.
        var loading: [UInt32: Task<DashboardCounts, any Error>] = [:]
    }

    /// Counts younger than this are served as they are.
    let freshMs: Int64 = 1_000
    /// Counts older than this are never served: the caller waits for new ones.
    let staleMs: Int64 = 10_000
    /// Thresholds kept at once; past it the cache starts over.
    let capacity = 16
    private let store: any Store
    private let state = Mutex(State())

    init(store: any Store) {
        self.store = store
    }

    /// The counts for readers stuck for `stuckAfterMinutes`, as of at most about a second
    /// ago while the dashboard is being polled.
    func counts(stuckAfterMinutes key: UInt32, nowMs: Int64) async throws -> DashboardCounts {
        enum Plan { case serve(DashboardCounts), wait(Task<DashboardCounts, any Error>) }
        let plan = state.withLock { state -> Plan in
            if let entry = state.entries[key], nowMs - entry.atMs < staleMs {
                if nowMs - entry.atMs >= freshMs, state.loading[key] == nil {
                    state.loading[key] = load(key, nowMs: nowMs)
                }
                return .serve(entry.counts)
            }
            if let loading = state.loading[key] { return .wait(loading) }
            let loading = load(key, nowMs: nowMs)
            state.loading[key] = loading
            return .wait(loading)
        }
        switch plan {
        case .serve(let counts): return counts
        case .wait(let loading): return try await loading.value
        }
    }

    /// One read of the counts, kept when it succeeds.
    private func load(_ key: UInt32, nowMs: Int64) -> Task<DashboardCounts, any Error> {
        Task { [self, store] in
            do {
                let counts = try await storage {
                    try await store.dashboardCounts(stuckBeforeMs: nowMs - Int64(key) * 60_000)
                }
                state.withLock { state in
                    if state.entries.count >= capacity, state.entries[key] == nil { state.entries = [:] }
                    state.entries[key] = Entry(counts: counts, atMs: nowMs)
                    state.loading[key] = nil
                }
                return counts
            } catch {
                state.withLock { _ = $0.loading.removeValue(forKey: key) }
                throw error
            }
        }
    }
}
