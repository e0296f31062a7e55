import LecternProtocol
import LecternStorage
import NIOCore
import Synchronization

/// Fans committed activity and presence changes out to Watch streams.
///
/// The store hands each committed batch to `deliver` on its writer thread, in commit
/// order; presence changes come from heartbeats and the presence keeper. Both go, under
/// one lock, into every subscription's queue, so each subscription sees them in one order
/// and a presence change carries the position of the last batch before it.
///
/// A queue holds at most `maxBuffered` activities. A subscription that falls that far
/// behind is marked overflowed and gets nothing more: a Watch stream in its replay
/// catches up from the store instead, a live one ends with RESOURCE_EXHAUSTED.
public final class LiveFeed: Sendable {
    /// What a subscription receives.
    public enum Item: Sendable {
        /// Committed activity that matched the filter, and the feed's position after it.
        case activity([EncodedActivity], position: Int64)
        /// A presence change, after everything up to `position`.
        case presence(Presence.Change, position: Int64)
    }

    public let maxBuffered: Int
    private struct State {
        var subscriptions: [ObjectIdentifier: Subscription] = [:]
        var position: Int64
        var closed = false
        /// Suspended consultants: a stream they start is refused, even one authorized just
        /// before the suspension.
        var suspended: Set<Int64> = []
    }

    private let state: Mutex<State>
    let recentEvents = RecentEvents()

    /// Subscribes to `store`'s committed batches.
    public init(store: any Store, maxBuffered: Int = 10_000) {
        self.maxBuffered = maxBuffered
        state = Mutex(State(position: 0))
        store.subscribe { [self] batch in deliver(batch) }
        let position = store.feedPosition
        state.withLock { $0.position = max($0.position, position) }
    }

    /// Counts the events of the last hour the store holds, for `eventsReceived`.
    public func countRecentEvents(from store: any Store, nowMs: Int64) async throws {
        for atMs in try await store.eventReceiptTimes(sinceMs: nowMs - Int64(RecentEvents.seconds) * 1000) {
            recentEvents.record(1, atMs: atMs)
        }
    }

    /// Events received in the last `windowMs` (at most an hour).
    public func eventsReceived(windowMs: Int64, nowMs: Int64) -> Int {
        recentEvents.count(windowMs: windowMs, nowMs: nowMs)
    }

    /// The position of the last activity delivered.
    public var position: Int64 { state.withLock { $0.position } }

    /// A new subscription for `filter`, receiving what is delivered from now on, and the
    /// feed's position when it started.
    /// - Throws: UNAVAILABLE once the feed is closed; PERMISSION_DENIED for a suspended consultant.
    func subscribe(_ filter: WatchFilter, consultantID: Int64) throws -> (Subscription, position: Int64) {
        let subscription = Subscription(filter: filter, consultantID: consultantID, maxBuffered: maxBuffered)
        let position = try state.withLock { state in
            guard !state.closed else { throw RPCError(.unavailable, "the server is shutting down") }
            guard !state.suspended.contains(consultantID) else { throw RPCError(.permissionDenied, "the account is suspended") }
            state.subscriptions[ObjectIdentifier(subscription)] = subscription
            return state.position
        }
        return (subscription, position)
    }

    func unsubscribe(_ subscription: Subscription) {
        _ = state.withLock { $0.subscriptions.removeValue(forKey: ObjectIdentifier(subscription)) }
    }

    func deliver(_ batch: CommittedBatch) {
        let events = batch.activities.count { if case .event = $0.item { true } else { false } }
        if events > 0 { recentEvents.record(events, atMs: batch.committedAtMs) }
        state.withLock { state in
            state.position = max(state.position, batch.position)
            guard !state.subscriptions.isEmpty else { return }
            // Encoded once here, the same bytes go to every stream that wants them.
            let encoded = batch.activities.map(EncodedActivity.init)
            for subscription in state.subscriptions.values { subscription.offer(encoded, position: batch.position) }
        }
    }

    public func publish(_ change: Presence.Change) {
        state.withLock { state in
            for subscription in state.subscriptions.values { subscription.offer(change, position: state.position) }
        }
    }

    /// Ends the streams of a suspended consultant with PERMISSION_DENIED, and refuses its
    /// new ones until `reinstate`.
    func suspend(consultantID: Int64) {
        let theirs = state.withLock { state in
            state.suspended.insert(consultantID)
            return state.subscriptions.values.filter { $0.consultantID == consultantID }
        }
        for subscription in theirs { subscription.end(RPCError(.permissionDenied, "the account is suspended")) }
    }

    func reinstate(consultantID: Int64) {
        _ = state.withLock { $0.suspended.remove(consultantID) }
    }

    /// Ends every subscription with UNAVAILABLE and refuses new ones (shutdown).
    public func close() {
        let subscriptions = state.withLock { state in
            state.closed = true
            defer { state.subscriptions = [:] }
            return Array(state.subscriptions.values)
        }
        for subscription in subscriptions {
            subscription.end(RPCError(.unavailable, "the server is shutting down; resume from the last cursor"))
        }
    }
}

/// An activity and its `ActivityUpdate`, encoded once for every stream.
public struct EncodedActivity: Sendable {
    public let activity: Activity
    public let bytes: ByteBuffer

    init(_ activity: Activity) {
        self.activity = activity
        bytes = ByteBuffer(bytes: ConsultantService.update(activity).serializedBytes())
    }
}

/// Which updates a Watch stream wants.
struct WatchFilter: Sendable {
    /// Every reader when empty.
    var readerIDs: Set<Int64> = []
    /// Every kind when empty.
    var kinds: Set<ActivityKind> = []

    func wants(_ kind: ActivityKind) -> Bool { kinds.isEmpty || kinds.contains(kind) }

    func wants(_ activity: Activity) -> Bool {
        guard readerIDs.isEmpty || readerIDs.contains(activity.readerID) else { return false }
        return wants(activity.kind)
    }

    func wants(_ change: Presence.Change) -> Bool {
        (readerIDs.isEmpty || readerIDs.contains(change.readerID)) && wants(.presence)
    }
}

extension Activity {
    var kind: ActivityKind {
        switch item {
        case .event: .event
        case .milestone: .milestone
        case .message: .message
        }
    }
}

/// One Watch stream's queue.
final class Subscription: Sendable {
    let filter: WatchFilter
    /// Whose stream it is.
    let consultantID: Int64
    private let maxBuffered: Int

    private struct State {
        var items: [LiveFeed.Item] = []
        var buffered = 0
        var overflowed = false
        var ended: RPCError?
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    init(filter: WatchFilter, consultantID: Int64, maxBuffered: Int) {
        self.filter = filter
        self.consultantID = consultantID
        self.maxBuffered = maxBuffered
    }

    /// Throws the error the subscription was ended with, if it was.
    func checkEnded() throws {
        if let ended = state.withLock({ $0.ended }) { throw ended }
    }

    func offer(_ activities: [EncodedActivity], position: Int64) {
        let matching = filter.readerIDs.isEmpty && filter.kinds.isEmpty ? activities : activities.filter { filter.wants($0.activity) }
        guard !matching.isEmpty else { return }
        append(.activity(matching, position: position), count: matching.count)
    }

    func offer(_ change: Presence.Change, position: Int64) {
        guard filter.wants(change) else { return }
        append(.presence(change, position: position), count: 1)
    }

    private func append(_ item: LiveFeed.Item, count: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.overflowed, state.ended == nil else { return nil }
            if state.buffered + count > maxBuffered {
                state.overflowed = true
                state.items = []
                state.buffered = 0
            } else {
                state.items.append(item)
                state.buffered += count
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func end(_ error: RPCError) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.ended = state.ended ?? error
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Whether the queue overflowed since the last call; clears the mark, so what is
    /// delivered from now on is queued again.
    func resetOverflow() -> Bool {
        state.withLock { state in
            defer { state.overflowed = false }
            return state.overflowed
        }
    }

    /// Waits for items and takes them all.
    /// - Throws: RESOURCE_EXHAUSTED after an overflow, the error the feed ended it with,
    ///   or `CancellationError`.
    func next() async throws -> [LiveFeed.Item] {
        while true {
            let taken: Result<[LiveFeed.Item], any Error>? = state.withLock { state in
                if let ended = state.ended { return .failure(ended) }
                if state.overflowed {
                    return .failure(RPCError(.resourceExhausted, "the stream fell more than \(maxBuffered) updates behind; resume from the last cursor"))
                }
                guard !state.items.isEmpty else { return nil }
                defer { state.items = []; state.buffered = 0 }
                return .success(state.items)
            }
            if let taken { return try taken.get() }
            try Task.checkCancellation()
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if state.ended != nil || state.overflowed || !state.items.isEmpty || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }
}
