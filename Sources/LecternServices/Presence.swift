import Synchronization

/// Who is online, in memory: each reader's client sessions (tabs, devices) and when each
/// last sent a heartbeat. A reader is online while any session heartbeated within the
/// window, so several tabs are one presence.
public final class Presence: Sendable {
    /// How long a heartbeat keeps a reader online, in milliseconds.
    public let windowMs: Int64
    private let sessions = Mutex<[Int64: [String: Int64]]>([:])

    public init(windowMs: Int64 = 30_000) {
        self.windowMs = windowMs
    }

    /// Records a heartbeat; returns whether the reader was offline before it.
    @discardableResult
    public func heartbeat(readerID: Int64, clientSession: String, nowMs: Int64) -> Bool {
        sessions.withLock { sessions in
            let wasOnline = sessions[readerID]?.values.contains { nowMs - $0 < windowMs } ?? false
            sessions[readerID, default: [:]][clientSession] = nowMs
            return !wasOnline
        }
    }

    /// The reader's live sessions (heartbeat within the window).
    public func liveSessions(readerID: Int64, nowMs: Int64) -> Int {
        sessions.withLock { $0[readerID]?.values.filter { nowMs - $0 < windowMs }.count ?? 0 }
    }
}
