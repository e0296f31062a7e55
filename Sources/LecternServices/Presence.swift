import Synchronization

/// Who is online, in memory: each reader's client sessions (tabs, devices) and when each
/// last sent a heartbeat. A reader is online while any session heartbeated within the
/// window, so several tabs are one presence: the reader goes online with its first
/// heartbeat and offline once `expire` finds every session past the window.
///
/// Last-seen times are kept here and saved in batches (`takeUnsavedLastSeen`), not
/// written once per heartbeat.
public final class Presence: Sendable {
    /// How long a heartbeat keeps a reader online, in milliseconds.
    public let windowMs: Int64

    private struct Entry {
        var sessions: [String: Int64]
        var contentID: String
        var lastSeenAtMs: Int64
        /// Kept from the heartbeat's reader (names do not change), so listing who is online
        /// reads nothing from the store.
        var displayName: String
    }

    private struct State {
        var online: [Int64: Entry] = [:]
        /// Last-seen times not yet saved, by reader.
        var unsaved: [Int64: Int64] = [:]
    }

    private let state = Mutex(State())

    public init(windowMs: Int64 = 30_000) {
        self.windowMs = windowMs
    }

    /// A reader going online or offline.
    public struct Change: Sendable, Equatable {
        public var readerID: Int64
        public var online: Bool
        public var atMs: Int64
        public var contentID: String
    }

    /// Client sessions kept per reader; a heartbeat from one more replaces the session
    /// heard from longest ago. Tabs and devices are a handful; a client that makes up a
    /// session id per heartbeat must not grow the server's memory.
    public static let maxSessionsPerReader = 64

    /// Records a heartbeat; returns the reader's change to online when it was offline.
    public func heartbeat(readerID: Int64, displayName: String = "", clientSession: String, contentID: String = "", nowMs: Int64) -> Change? {
        state.withLock { state in
            state.unsaved[readerID] = nowMs
            if let index = state.online.index(forKey: readerID) {
                // In place, through the index: a copy of the entry would copy its sessions on
                // every heartbeat (100,000 made-up sessions made a heartbeat 10 times slower).
                Self.record(clientSession, at: nowMs, in: &state.online.values[index].sessions)
                state.online.values[index].lastSeenAtMs = max(state.online.values[index].lastSeenAtMs, nowMs)
                if !contentID.isEmpty { state.online.values[index].contentID = contentID }
                return nil
            }
            state.online[readerID] = Entry(sessions: [clientSession: nowMs], contentID: contentID, lastSeenAtMs: nowMs, displayName: displayName)
            return Change(readerID: readerID, online: true, atMs: nowMs, contentID: contentID)
        }
    }

    private static func record(_ session: String, at nowMs: Int64, in sessions: inout [String: Int64]) {
        if sessions[session] == nil, sessions.count >= maxSessionsPerReader,
           let oldest = sessions.min(by: { $0.value < $1.value })?.key {
            sessions[oldest] = nil
        }
        sessions[session] = nowMs
    }

    /// Takes a reader offline at once (suspended or deleted); returns the change when it
    /// was online.
    public func remove(readerID: Int64, nowMs: Int64) -> Change? {
        state.withLock { state in
            state.unsaved[readerID] = nil
            guard let entry = state.online.removeValue(forKey: readerID) else { return nil }
            return Change(readerID: readerID, online: false, atMs: nowMs, contentID: entry.contentID)
        }
    }

    /// Forgets sessions past the window; returns the readers who have none left, now
    /// offline.
    public func expire(nowMs: Int64) -> [Change] {
        state.withLock { state in
            var changes: [Change] = []
            for (readerID, entry) in state.online where nowMs - entry.lastSeenAtMs >= windowMs {
                state.online[readerID] = nil
                changes.append(Change(readerID: readerID, online: false, atMs: nowMs, contentID: entry.contentID))
            }
            for (readerID, entry) in state.online where entry.sessions.count > 1 {
                state.online[readerID]?.sessions = entry.sessions.filter { nowMs - $0.value < windowMs }
            }
            return changes.sorted { $0.readerID < $1.readerID }
        }
    }

    /// The last-seen times recorded since the previous call, by reader.
    public func takeUnsavedLastSeen() -> [Int64: Int64] {
        state.withLock { state in
            defer { state.unsaved = [:] }
            return state.unsaved
        }
    }

    /// A reader online now.
    public struct Online: Sendable, Equatable {
        public var readerID: Int64
        public var lastSeenAtMs: Int64
        public var sessions: Int
        public var contentID: String
        public var displayName: String
    }

    /// The readers online now (seen within the window), most recently seen first (then by
    /// id): `limit` of them after the first `offset`, and how many are online in all.
    ///
    /// Only the page is built and only its first `offset + limit` are put in order:
    /// ListActiveReaders pages through 10,000 readers online many times a second, and
    /// building and sorting all of them for each page was 12 % of the server's samples.
    public func online(nowMs: Int64, offset: Int = 0, limit: Int = .max) -> (readers: [Online], total: Int) {
        let (offset, limit) = (max(0, offset), max(0, limit))
        return state.withLock { state in
            var keys: [OnlineKey] = []
            keys.reserveCapacity(state.online.count)
            for (readerID, entry) in state.online where nowMs - entry.lastSeenAtMs < windowMs {
                keys.append(OnlineKey(lastSeenAtMs: entry.lastSeenAtMs, readerID: readerID))
            }
            let (end, overflow) = offset.addingReportingOverflow(limit)
            let first = OnlineKey.first(overflow ? keys.count : min(end, keys.count), of: keys)
            let readers = first.dropFirst(offset).compactMap { key -> Online? in
                guard let entry = state.online[key.readerID] else { return nil }
                return Online(
                    readerID: key.readerID, lastSeenAtMs: entry.lastSeenAtMs,
                    sessions: entry.sessions.values.count { nowMs - $0 < windowMs }, contentID: entry.contentID,
                    displayName: entry.displayName
                )
            }
            return (readers, keys.count)
        }
    }

    /// The ids of the readers online now, ascending.
    public func onlineIDs() -> [Int64] {
        state.withLock { Array($0.online.keys) }.sorted()
    }

    public var onlineCount: Int { state.withLock { $0.online.count } }

    public func isOnline(_ readerID: Int64) -> Bool {
        state.withLock { $0.online[readerID] != nil }
    }

    /// The reader's last heartbeat, if it is online.
    public func lastSeen(_ readerID: Int64) -> Int64? {
        state.withLock { $0.online[readerID]?.lastSeenAtMs }
    }
}

/// Where an online reader comes in ListActiveReaders: most recently seen first, then by id.
struct OnlineKey {
    var lastSeenAtMs: Int64
    var readerID: Int64

    func comesBefore(_ other: OnlineKey) -> Bool {
        (lastSeenAtMs, other.readerID) > (other.lastSeenAtMs, readerID)
    }

    /// The first `count` of `keys` in order. For the first pages (at most 256 keys, an
    /// eighth of them at most) it keeps a sorted array of the best so far, and most keys
    /// fail one comparison with its last; otherwise it sorts everything. The bound keeps a
    /// worst case (keys met best-last, each one inserted in front) to 256 moves per key.
    static func first(_ count: Int, of keys: [OnlineKey]) -> [OnlineKey] {
        guard count > 0 else { return [] }
        guard count <= 256, count * 8 < keys.count else { return Array(keys.sorted { $0.comesBefore($1) }.prefix(count)) }
        var best: [OnlineKey] = []
        best.reserveCapacity(count + 1)
        for key in keys {
            if best.count == count, let last = best.last, !key.comesBefore(last) { continue }
            // The first position whose key comes after `key`.
            var low = 0, high = best.count
            while low < high {
                let middle = (low + high) / 2
                if best[middle].comesBefore(key) { low = middle + 1 } else { high = middle }
            }
            best.insert(key, at: low)
            if best.count > count { best.removeLast() }
        }
        return best
    }
}
