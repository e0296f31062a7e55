import Foundation
import LecternProtocol
import LecternServer
import LecternStorage

/// `lectern.v1.ReaderService`, for reader tokens: every call acts on the reader of the
/// token; a reader id in a request is never trusted.
public final class ReaderService: Sendable {
    private let store: any Store
    private let authenticator: Authenticator
    private let presence: Presence
    private let feed: LiveFeed
    private let pageTokens: PageTokens
    /// History pages read and encoded at once (`PageReads`).
    private let pageReads = PageReads(permits: 8)
    /// A reader's writes in the store's queue at once; more wait their turn here.
    /// One reader's 4,000 AppendEvents of 200 events sent at once held another reader's
    /// append 3.6 s behind them in the writer's queue; 8,192 would have filled it, and every
    /// other write been refused as overloaded.
    private let writes = KeyedPermits<Int64>(perKey: 8)
    private let nowMs: @Sendable () -> Int64
    /// NOT_FOUND's message when the store finds no reader: it was deleted during the call.
    static let readerGone = "the reader no longer exists"

    /// - Throws: when the page-token key cannot be read or made.
    public init(store: any Store, authenticator: Authenticator, presence: Presence, feed: LiveFeed) async throws {
        self.feed = feed
        self.store = store
        self.authenticator = authenticator
        self.presence = presence
        nowMs = authenticator.nowMs
        pageTokens = try PageTokens(key: try await store.secret(named: "page-tokens", make: PageTokens.newKey))
    }

    public func register(on router: inout RPCRouter) {
        router.unary("/lectern.v1.ReaderService/Heartbeat", onEventLoop: true) { [self] (request: HeartbeatRequest, context) in
            try await heartbeat(request, reader(context))
        }
        // A few events are checked in microseconds, then wait for the writer: on the loop.
        router.unary("/lectern.v1.ReaderService/AppendEvents", onEventLoop: true) { [self] (request: AppendEventsRequest, context) in
            try await appendEvents(request, reader(context))
        }
        router.clientStreaming("/lectern.v1.ReaderService/ImportEvents") { [self] (requests: RequestStream<AppendEventsRequest>, context) in
            try await importEvents(requests, reader(context))
        }
        router.unary("/lectern.v1.ReaderService/ListMyEvents") { [self] (request: ListMyEventsRequest, context) in
            try await listMyEvents(request, reader(context))
        }
        // Point reads (the session, the reader, its state row): on the event loop.
        router.unary("/lectern.v1.ReaderService/GetMyState", onEventLoop: true) { [self] (_: GetMyStateRequest, context) in
            try await getMyState(reader(context))
        }
        router.unary("/lectern.v1.ReaderService/UpsertMilestone") { [self] (request: UpsertMilestoneRequest, context) in
            try await upsertMilestone(request, reader(context))
        }
        router.unary("/lectern.v1.ReaderService/ListMyMilestones") { [self] (request: ListMyMilestonesRequest, context) in
            try await listMyMilestones(request, reader(context))
        }
        router.unary("/lectern.v1.ReaderService/SendMessage") { [self] (request: SendMessageRequest, context) in
            try await sendMessage(request, reader(context))
        }
        router.unary("/lectern.v1.ReaderService/ListMyMessages") { [self] (request: ListMyMessagesRequest, context) in
            try await listMyMessages(request, reader(context))
        }
        router.unary("/lectern.v1.ReaderService/MarkMessagesRead") { [self] (request: MarkMessagesReadRequest, context) in
            try await markMessagesRead(request, reader(context))
        }
    }

    /// The reader of the call's token. - Throws: PERMISSION_DENIED for any other caller.
    private func reader(_ context: ServerContext) async throws -> ReaderRecord {
        guard case .reader(let reader) = try await authenticator.authenticate(context) else {
            throw RPCError(.permissionDenied, "ReaderService takes a reader's token")
        }
        return reader
    }

    func heartbeat(_ request: HeartbeatRequest, _ reader: ReaderRecord) async throws -> HeartbeatResponse {
        var validation = Validation()
        validation.line(request.clientSessionID, "client_session_id", 0...64)
        validation.line(request.contentID, "content_id", 0...256)
        try validation.check()
        let now = nowMs()
        if let change = presence.heartbeat(readerID: reader.id, displayName: reader.displayName, clientSession: request.clientSessionID, contentID: request.contentID, nowMs: now) {
            feed.publish(change)
        }
        return HeartbeatResponse.with {
            $0.serverTimeMs = now
            $0.presenceWindowMs = UInt32(presence.windowMs)
        }
    }

    func appendEvents(_ request: AppendEventsRequest, _ reader: ReaderRecord) async throws -> AppendEventsResponse {
        var validation = Validation()
        validation.require((1...1_000).contains(request.events.count), "events", "must hold 1 to 1,000 events, got \(request.events.count)")
        for (index, event) in request.events.enumerated() {
            validation.line(event.clientSessionID, "events[\(index)].client_session_id", 1...64)
            validation.require(event.sequence >= 1, "events[\(index)].sequence", "must be 1 or more")
            validation.length(event.type, "events[\(index)].type", 1...64)
            validation.require(event.type.utf8.allSatisfy(Self.isTypeByte), "events[\(index)].type", "may hold only a-z, 0-9, _, . and -")
            validation.line(event.contentID, "events[\(index)].content_id", 0...256)
            validation.require(event.payload.count <= 16_384, "events[\(index)].payload", "must be at most 16384 bytes, got \(event.payload.count)")
            if let progress = event.progress {
                validation.require(progress.isFinite && (0...1).contains(progress), "events[\(index)].progress", "must be from 0 to 1")
            }
        }
        try validation.check()
        let events = request.events.map {
            NewEvent(
                clientSessionID: $0.clientSessionID, sequence: $0.sequence, type: $0.type, occurredAtMs: $0.occurredAtMs,
                contentID: $0.contentID, progress: $0.progress, payload: $0.payload
            )
        }
        let outcomes = try await write(reader) { try await store.appendEvents(readerID: reader.id, events) }
        return AppendEventsResponse.with {
            $0.results = outcomes.map { outcome in
                EventResult.with {
                    $0.eventID = outcome.eventID
                    $0.duplicate = outcome.duplicate
                }
            }
        }
    }

    /// Each batch is validated and committed as it arrives, like AppendEvents.
    func importEvents(_ requests: RequestStream<AppendEventsRequest>, _ reader: ReaderRecord) async throws -> ImportEventsResponse {
        var response = ImportEventsResponse()
        for try await request in requests {
            let results = try await appendEvents(request, reader).results
            response.batches += 1
            let duplicates = UInt64(results.count { $0.duplicate })
            response.duplicates += duplicates
            response.stored += UInt64(results.count) - duplicates
        }
        return response
    }

    func listMyEvents(_ request: ListMyEventsRequest, _ reader: ReaderRecord) async throws -> ListMyEventsResponse {
        var validation = Validation()
        validation.require(request.pageSize <= 1_000, "page_size", "must be at most 1,000, got \(request.pageSize)")
        validation.require(request.types.count <= 32, "types", "at most 32 types")
        for (index, type) in request.types.enumerated() {
            validation.require(!type.isEmpty && type.utf8.count <= 64 && type.utf8.allSatisfy(Self.isTypeByte), "types[\(index)]", "not an event type")
        }
        try validation.check()
        let before = request.pageToken.isEmpty ? nil : try pageTokens.position(of: request.pageToken, .myEvents, owner: reader.id)
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        var scannedDownTo: Int64?
        return try await pageReads.page(for: reader.id, limit: size) { bytes in
            let page = try await store.eventPage(
                readerID: reader.id, beforeID: before, limit: size, sinceMs: request.sinceMs, untilMs: 0, types: request.types, stopAfterBytes: bytes
            )
            scannedDownTo = page.scannedDownTo
            return page.events
        } respond: { page, continuesAfter in
            ListMyEventsResponse.with {
                $0.events = page.map(Self.message)
                if let position = continuesAfter?.id ?? scannedDownTo {
                    $0.nextPageToken = pageTokens.make(.myEvents, owner: reader.id, position: position)
                }
            }
        }
    }

    func getMyState(_ reader: ReaderRecord) async throws -> GetMyStateResponse {
        let state = try await storage { try await store.readerState(readerID: reader.id) }
        guard let state else { throw RPCError(.notFound, Self.readerGone) }
        return GetMyStateResponse.with {
            $0.state = Self.message(state)
        }
    }

    func upsertMilestone(_ request: UpsertMilestoneRequest, _ reader: ReaderRecord) async throws -> UpsertMilestoneResponse {
        var validation = Validation()
        validation.line(request.contentID, "content_id", 1...256)
        validation.require(request.status == .started || request.status == .completed, "status", "must be MILESTONE_STATUS_STARTED or MILESTONE_STATUS_COMPLETED")
        validation.require(request.score.isFinite, "score", "must be a finite number")
        validation.require(request.attributes.count <= 32, "attributes", "at most 32 entries, got \(request.attributes.count)")
        for (key, value) in request.attributes.sorted(by: { $0.key < $1.key }) {
            validation.require((1...64).contains(key.utf8.count), "attributes[\(key)]", "keys are 1 to 64 bytes")
            validation.require(!Validation.holdsControlCharacter(key, allowingLineBreaks: false), "attributes[\(key)]", "keys must not hold control characters")
            validation.require(value.utf8.count <= 1024, "attributes[\(key)]", "values are at most 1,024 bytes")
        }
        try validation.check()
        let json = request.attributes.isEmpty ? "" : try Self.json(request.attributes)
        let (milestone, created) = try await write(reader) {
            try await store.upsertMilestone(
                readerID: reader.id, contentID: request.contentID, status: Int(request.status.rawValue),
                score: Double(request.score), attributesJSON: json
            )
        }
        return UpsertMilestoneResponse.with {
            $0.milestone = Self.message(milestone)
            $0.created = created
        }
    }

    func listMyMilestones(_ request: ListMyMilestonesRequest, _ reader: ReaderRecord) async throws -> ListMyMilestonesResponse {
        var validation = Validation()
        validation.require(request.pageSize <= 1_000, "page_size", "must be at most 1,000, got \(request.pageSize)")
        try validation.check()
        let after = request.pageToken.isEmpty ? "" : String(decoding: try pageTokens.bytes(of: request.pageToken, .myMilestones, owner: reader.id), as: UTF8.self)
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        return try await pageReads.page(for: reader.id, limit: size) { bytes in
            try await store.milestones(readerID: reader.id, afterContentID: after, limit: size, stopAfterBytes: bytes)
        } respond: { page, continuesAfter in
            ListMyMilestonesResponse.with {
                $0.milestones = page.map(Self.message)
                if let last = continuesAfter {
                    $0.nextPageToken = pageTokens.make(.myMilestones, owner: reader.id, position: Array(last.contentID.utf8))
                }
            }
        }
    }

    func sendMessage(_ request: SendMessageRequest, _ reader: ReaderRecord) async throws -> SendMessageResponse {
        var validation = Validation()
        validation.text(request.body, "body", 1...4_096)
        try validation.check()
        let message = try await write(reader) { try await store.sendMessage(readerID: reader.id, consultantID: 0, direction: 1, body: request.body) }
        return SendMessageResponse.with { $0.message = Self.message(message) }
    }

    func listMyMessages(_ request: ListMyMessagesRequest, _ reader: ReaderRecord) async throws -> ListMyMessagesResponse {
        var validation = Validation()
        validation.require(request.pageSize <= 1_000, "page_size", "must be at most 1,000, got \(request.pageSize)")
        try validation.check()
        let before: Int64? = request.pageToken.isEmpty ? nil : try pageTokens.position(of: request.pageToken, .myMessages, owner: reader.id)
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        return try await pageReads.page(for: reader.id, limit: size) { bytes in
            try await store.messages(readerID: reader.id, beforeID: before, limit: size, unreadOnly: request.unreadOnly, stopAfterBytes: bytes)
        } respond: { page, continuesAfter in
            ListMyMessagesResponse.with {
                $0.messages = page.map(Self.message)
                if let last = continuesAfter {
                    $0.nextPageToken = pageTokens.make(.myMessages, owner: reader.id, position: last.id)
                }
            }
        }
    }

    func markMessagesRead(_ request: MarkMessagesReadRequest, _ reader: ReaderRecord) async throws -> MarkMessagesReadResponse {
        var validation = Validation()
        validation.require(request.messageIDs.count <= 1_000, "message_ids", "at most 1,000 ids, got \(request.messageIDs.count)")
        validation.require(request.upToMessageID >= 0, "up_to_message_id", "must not be negative")
        try validation.check()
        let marked = try await write(reader) {
            try await store.markMessagesRead(readerID: reader.id, ids: request.messageIDs, upToID: request.upToMessageID)
        }
        return MarkMessagesReadResponse.with { $0.marked = UInt32(clamping: marked) }
    }

    /// A write of `reader`'s, holding one of its permits (`writes`); a store error becomes
    /// its RPC status.
    private func write<T>(_ reader: ReaderRecord, _ body: () async throws -> T) async throws -> T {
        try await writes.run(reader.id) { try await storage(missing: Self.readerGone, body) }
    }

    static func json(_ attributes: [String: String]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func attributes(_ json: String) -> [String: String] {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return [:] }
        return object
    }

    static func message(_ state: ReaderStateRecord) -> ReaderState {
        ReaderState.with {
            $0.readerID = state.readerID
            $0.eventCount = UInt64(max(0, state.eventCount))
            $0.lastEventAtMs = state.lastEventAtMs
            $0.lastEventType = state.lastEventType
            $0.currentContentID = state.currentContentID
            $0.progress = state.progress
            $0.milestonesCompleted = UInt32(clamping: state.milestonesCompleted)
            $0.unreadMessages = UInt32(clamping: state.unreadMessages)
            $0.lastSeenAtMs = state.lastSeenAtMs
        }
    }

    static func message(_ milestone: MilestoneRecord) -> Milestone {
        Milestone.with {
            $0.readerID = milestone.readerID
            $0.contentID = milestone.contentID
            $0.status = MilestoneStatus(rawValue: Int32(milestone.status))
            $0.score = Float(milestone.score)
            $0.startedAtMs = milestone.startedAtMs
            $0.updatedAtMs = milestone.updatedAtMs
            $0.completedAtMs = milestone.completedAtMs
            $0.attributes = attributes(milestone.attributesJSON)
        }
    }

    static func message(_ message: MessageRecord) -> ChatMessage {
        ChatMessage.with {
            $0.id = message.id
            $0.readerID = message.readerID
            $0.consultantID = message.consultantID
            $0.direction = MessageDirection(rawValue: Int32(message.direction))
            $0.body = message.body
            $0.sentAtMs = message.sentAtMs
            $0.readAtMs = message.readAtMs
        }
    }

    static func isTypeByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F || byte == 0x2E || byte == 0x2D
    }

    static func message(_ event: StoredEvent) -> Event {
        Event.with {
            $0.id = event.id
            $0.readerID = event.readerID
            $0.clientSessionID = event.clientSessionID
            $0.sequence = event.sequence
            $0.type = event.type
            $0.occurredAtMs = event.occurredAtMs
            $0.receivedAtMs = event.receivedAtMs
            $0.contentID = event.contentID
            $0.progress = event.progress
            $0.payload = event.payload
        }
    }
}
