import LecternStorage
import Logging

/// Turns presence into Watch updates and saved last-seen times: every `sweepInterval` it
/// takes readers whose sessions all left the window offline (publishing each change), and
/// every `saveInterval` it saves the last-seen times gathered since, in one write.
public struct PresenceKeeper: Sendable {
    let presence: Presence
    let feed: LiveFeed
    let store: any Store
    let nowMs: @Sendable () -> Int64
    var sweepInterval: Duration = .milliseconds(250)
    var saveInterval: Duration = .seconds(5)
    let logger: Logger

    /// Runs until its task is cancelled, then saves what is unsaved.
    public func run() async {
        let clock = ContinuousClock()
        var lastSave = clock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: sweepInterval)
            sweep()
            if clock.now - lastSave >= saveInterval {
                lastSave = clock.now
                await save()
            }
        }
        await save()
    }

    func sweep() {
        for change in presence.expire(nowMs: nowMs()) { feed.publish(change) }
    }

    func save() async {
        let unsaved = presence.takeUnsavedLastSeen()
        do {
            try await store.recordLastSeen(unsaved)
        } catch {
            logger.warning("last-seen times not saved", metadata: ["readers": "\(unsaved.count)", "error": "\(error)"])
        }
    }
}
