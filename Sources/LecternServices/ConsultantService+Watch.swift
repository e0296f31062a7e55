import LecternProtocol
import LecternServer
import LecternStorage
import NIOCore
import Synchronization

/// ConsultantService.Watch: the live activity feed, resumable from a cursor.
///
/// A cursor is a feed position as decimal digits: positions are not secrets (a
/// consultant may watch every reader), so a changed cursor only moves the stream. With a
/// cursor the stream first replays from the store what committed after it, page by page,
/// then sends CaughtUp and continues with what the live feed delivers; updates at or
/// below the last position sent are skipped, so there is no gap and no duplicate.
/// Presence changes are live only; they are not replayed. A replay that would cross
/// events ArchiveEvents moved out ends OUT_OF_RANGE instead of hiding the gap.
extension ConsultantService {
    static let replayPage = 512

    func watch(_ request: WatchRequest, _ context: ServerContext, _ writer: ResponseWriter<ActivityUpdate>) async throws {
        var validation = Validation()
        validation.require(request.readerIDs.count <= 1_000, "reader_ids", "at most 1,000 readers")
        validation.require(request.readerIDs.allSatisfy { $0 > 0 }, "reader_ids", "must be readers' ids")
        validation.require(request.kinds.allSatisfy { (1...4).contains($0.rawValue) }, "kinds", "must be EVENT, PRESENCE, MILESTONE or MESSAGE")
        // Decimal digits only, as Protos/README.md says: Int64("+1") would also parse.
        let start = request.cursor.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) ? Int64(request.cursor) : nil
        validation.require(request.cursor.isEmpty || (start ?? -1) >= 0, "cursor", "not a Watch cursor")
        try validation.check()
        // Authorized first: the feed's position is said only to a consultant.
        let (consultant, _) = try await authorize(context, action: "Watch", readerID: nil, detail: "cursor=\(request.cursor)")
        if let start, start > feed.position {
            throw RPCError(.invalidArgument, "cursor: ahead of the feed, which is at \(feed.position)")
        }
        guard watchStreams.open(consultant.id) else {
            throw RPCError(.resourceExhausted, "more than \(watchStreams.limit) Watch streams are open for this consultant: end one first")
        }
        defer { watchStreams.close(consultant.id) }

        let filter = WatchFilter(readerIDs: Set(request.readerIDs), kinds: Set(request.kinds))
        let (subscription, livePosition) = try feed.subscribe(filter, consultantID: consultant.id)
        defer { feed.unsubscribe(subscription) }
        var cursor = start ?? livePosition
        if start != nil {
            // Whatever the queue dropped while it overflowed is in the store: read again.
            repeat {
                cursor = try await replay(after: cursor, subscription, writer)
            } while subscription.resetOverflow()
        }
        try await writer.write(ActivityUpdate.with {
            $0.cursor = String(cursor)
            $0.committedAtMs = nowMs()
            $0.update = .caughtUp(CaughtUp())
        })
        // The live updates wake this task once per commit for every stream: on the
        // connection's event loop, each wake-up writes to the socket where it runs (the
        // replay above, with its store reads and its pages to encode, stays on the pool).
        try await withTaskExecutorPreference(context.eventLoopExecutor) {
            try await sendLive(from: cursor, subscription, writer)
        }
    }

    /// Sends the live feed's updates after `cursor` as they come, until the stream ends.
    private func sendLive(from start: Int64, _ subscription: Subscription, _ writer: ResponseWriter<ActivityUpdate>) async throws {
        var cursor = start
        while true {
            // Everything queued goes out in one write: one flush however many updates.
            var out: [ByteBuffer] = []
            for item in try await subscription.next() {
                switch item {
                case .activity(let activities, let position):
                    for encoded in activities where encoded.activity.position > cursor {
                        out.append(encoded.bytes)
                        cursor = encoded.activity.position
                    }
                    cursor = max(cursor, position)
                case .presence(let change, let position):
                    cursor = max(cursor, position)
                    out.append(ByteBuffer(bytes: ActivityUpdate.with {
                        $0.cursor = String(cursor)
                        $0.committedAtMs = change.atMs
                        $0.update = .presence(PresenceChange.with {
                            $0.readerID = change.readerID
                            $0.online = change.online
                            $0.atMs = change.atMs
                            $0.contentID = change.contentID
                        })
                    }.serializedBytes()))
                }
            }
            try await writer.write(encoded: out)
        }
    }

    /// Sends what the store holds after `position` that the subscription's filter wants;
    /// returns the position of the last activity read. Stops with the subscription's error
    /// once it is ended (its consultant suspended).
    private func replay(after position: Int64, _ subscription: Subscription, _ writer: ResponseWriter<ActivityUpdate>) async throws -> Int64 {
        let filter = subscription.filter
        var cursor = position
        while true {
            try subscription.checkEnded()
            let page = try await storage { () async throws -> [Activity] in
                do {
                    return try await store.activity(after: cursor, limit: Self.replayPage, stopAfterBytes: PageLimit.bytes)
                } catch let error as StorageError where error.code == .archived {
                    throw RPCError(.outOfRange, "cursor: \(error.message)")
                }
            }
            // A page may be short of `replayPage` (its bytes) and more follow: only an empty
            // page says the replay is done.
            guard let last = page.last else { return cursor }
            try await writer.write(encoded: page.filter(filter.wants).map { ByteBuffer(bytes: Self.update($0).serializedBytes()) })
            cursor = last.position
        }
    }

    static func update(_ activity: Activity) -> ActivityUpdate {
        ActivityUpdate.with {
            $0.cursor = String(activity.position)
            $0.committedAtMs = activity.committedAtMs
            $0.update = switch activity.item {
            case .event(let event): .event(ReaderService.message(event))
            case .milestone(let milestone): .milestone(ReaderService.message(milestone))
            case .message(let message): .message(ReaderService.message(message))
            }
        }
    }
}

/// Watch streams open per consultant. A stream holds a queue of up to `maxWatchBuffered`
/// updates and, while its client does not read, a piece of written updates of its own: the
/// cap keeps one account, or a gateway that leaks streams, from making the server hold that
/// many times over.
final class WatchStreamCounts: Sendable {
    let limit: Int
    private let counts = Mutex<[Int64: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a new stream of `consultantID`; false, counting nothing, at the limit.
    func open(_ consultantID: Int64) -> Bool {
        counts.withLock { counts in
            guard counts[consultantID, default: 0] < limit else { return false }
            counts[consultantID, default: 0] += 1
            return true
        }
    }

    func close(_ consultantID: Int64) {
        counts.withLock { counts in
            let left = counts[consultantID, default: 1] - 1
            counts[consultantID] = left > 0 ? left : nil
        }
    }
}
