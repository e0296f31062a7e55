import Synchronization

/// Who is online, in memory: each reader's client sessions (tabs, devices) and when each
/// last sent a heartbeat. A reader is online while any session heartbeated within the
/// window, so several tabs are one presence.
public final class Presence: Sendable {
    /// How long a heartbeat keeps a reader online, in milliseconds.
    public let windowMs: Int64
    private let sessions = Mutex<[Int64: [String: Int64]]>([:])
    private let contents = Mutex<[Int64: String]>([:])

    public init(windowMs: Int64 = 30_000) {
        self.windowMs = windowMs
    }

    /// Records a heartbeat; returns whether the reader was offline before it.
    @discardableResult
    public func heartbeat(readerID: Int64, clientSession: String, contentID: String = "", nowMs: Int64) -> Bool {
        if !contentID.isEmpty { contents.withLock { $0[readerID] = contentID } }
        return sessions.withLock { sessions in
            let wasOnline = sessions[readerID]?.values.contains { nowMs - $0 < windowMs } ?? false
            sessions[readerID, default: [:]][clientSession] = nowMs
            return !wasOnline
        }
    }

    /// A reader online now.
    public struct Online: Sendable, Equatable {
        public var readerID: Int64
        public var lastSeenAtMs: Int64
        public var sessions: Int
        public var contentID: String
    }

    /// Every reader online now, most recently seen first (then by id); forgets readers
    /// whose sessions all left the window.
    public func online(nowMs: Int64) -> [Online] {
        let live = sessions.withLock { sessions -> [(Int64, Int64, Int)] in
            sessions = sessions.compactMapValues { readerSessions in
                let alive = readerSessions.filter { nowMs - $0.value < windowMs }
                return alive.isEmpty ? nil : alive
            }
            return sessions.map { ($0.key, $0.value.values.max() ?? 0, $0.value.count) }
        }
        let content = contents.withLock { $0 }
        return live.map { Online(readerID: $0.0, lastSeenAtMs: $0.1, sessions: $0.2, contentID: content[$0.0] ?? "") }
            .sorted { ($0.lastSeenAtMs, $1.readerID) > ($1.lastSeenAtMs, $0.readerID) }
    }

    /// The reader's live sessions (heartbeat within the window).
    public func liveSessions(readerID: Int64, nowMs: Int64) -> Int {
        sessions.withLock { $0[readerID]?.values.filter { nowMs - $0 < windowMs }.count ?? 0 }
    }
}
