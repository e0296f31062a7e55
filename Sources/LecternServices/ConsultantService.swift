import Synchronization
import LecternProtocol
import LecternServer
import LecternStorage

/// `lectern.v1.ConsultantService`, for consultant tokens. Every read of a reader's data
/// leaves an audit row (consultant, action, reader, peer, time) before the data is returned.
/// Viewers read; sending a message takes the supervisor role.
public final class ConsultantService: Sendable {
    let store: any Store
    private let authenticator: Authenticator
    private let pageTokens: PageTokens
    /// History pages read and encoded at once (`PageReads`).
    private let pageReads = PageReads(permits: 8)
    private let presence: Presence
    let feed: LiveFeed
    /// The dashboard's database counts, served from memory.
    private let dashboardCounts: DashboardCountsCache
    /// Watch streams open per consultant.
    let watchStreams: WatchStreamCounts

    public init(store: any Store, authenticator: Authenticator, presence: Presence, feed: LiveFeed, maxWatchStreamsPerConsultant: Int = 32) async throws {
        self.store = store
        self.authenticator = authenticator
        self.presence = presence
        self.feed = feed
        watchStreams = WatchStreamCounts(limit: maxWatchStreamsPerConsultant)
        dashboardCounts = DashboardCountsCache(store: store)
        pageTokens = try PageTokens(key: try await store.secret(named: "page-tokens", make: PageTokens.newKey))
    }

    func nowMs() -> Int64 { authenticator.nowMs() }

    public func register(on router: inout RPCRouter) {
        router.unary("/lectern.v1.ConsultantService/ListReaders") { [self] (request: ListReadersRequest, context) in
            try await listReaders(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/ListActiveReaders") { [self] (request: ListActiveReadersRequest, context) in
            try await listActiveReaders(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/GetReader") { [self] (request: GetReaderRequest, context) in
            try await getReader(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/ListReaderEvents") { [self] (request: ListReaderEventsRequest, context) in
            try await listReaderEvents(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/ListReaderMilestones") { [self] (request: ListReaderMilestonesRequest, context) in
            try await listReaderMilestones(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/SendMessage") { [self] (request: SendMessageToReaderRequest, context) in
            try await sendMessage(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/ListConversation") { [self] (request: ListConversationRequest, context) in
            try await listConversation(request, context)
        }
        router.unary("/lectern.v1.ConsultantService/Dashboard") { [self] (request: DashboardRequest, context) in
            try await dashboard(request, context)
        }
        router.serverStreaming("/lectern.v1.ConsultantService/Watch") { [self] (request: WatchRequest, context, writer: ResponseWriter<ActivityUpdate>) in
            try await watch(request, context, writer)
        }
    }

    /// The consultant of the call's token, with at least `role`, and the reader the request
    /// names (which must exist); the look is audited before anything is returned.
    func authorize(
        _ context: ServerContext, role: ConsultantRole = .viewer, action: String, readerID: Int64?, detail: String = "", audited: Bool = true
    ) async throws -> (ConsultantRecord, ReaderRecord?) {
        let consultant = try await consultant(of: context, role: role, action: action)
        try Self.check(readerID)
        if audited { return (consultant, try await lookUpAndRecord(context, consultant, action, readerID, detail)) }
        return (consultant, try await existingReader(readerID))
    }

    /// Authorizes a look and runs `body` while the named reader is looked up and the look's
    /// audit row commits, in that order. The response leaves only once all are done, so no
    /// look goes unaudited and a missing reader is NOT_FOUND with no audit row; a look waits
    /// for the longer of its read and the lookup plus the audit, not for their sum (on a
    /// large database each may be a random read from disk).
    /// - Returns: `body`'s value and the reader the request names.
    func audited<T: Sendable>(
        _ context: ServerContext, role: ConsultantRole = .viewer, action: String, readerID: Int64?, detail: String = "",
        _ body: (ConsultantRecord) async throws -> T
    ) async throws -> (value: T, reader: ReaderRecord?) {
        let consultant = try await consultant(of: context, role: role, action: action)
        try Self.check(readerID)
        async let looked: ReaderRecord? = lookUpAndRecord(context, consultant, action, readerID, detail)
        let value = try await body(consultant)
        return (value, try await looked)
    }

    /// The consultant of the call's token, with at least `role`.
    private func consultant(of context: ServerContext, role: ConsultantRole, action: String) async throws -> ConsultantRecord {
        guard case .consultant(let consultant) = try await authenticator.authenticate(context) else {
            throw RPCError(.permissionDenied, "ConsultantService takes a consultant's token")
        }
        guard consultant.role >= Int(role.rawValue) else {
            throw RPCError(.permissionDenied, "\(action) needs the \(role) role")
        }
        return consultant
    }

    private static func check(_ readerID: Int64?) throws {
        if let readerID, readerID <= 0 { throw RPCError(.invalidArgument, "reader_id: must be a reader's id") }
    }

    /// The reader `readerID` names, which must exist; nil for no id.
    private func existingReader(_ readerID: Int64?) async throws -> ReaderRecord? {
        guard let readerID else { return nil }
        guard let reader = try await storage({ try await store.reader(id: readerID) }) else {
            throw RPCError(.notFound, "reader_id: no reader \(readerID)")
        }
        return reader
    }

    /// The named reader (which must exist), then the look's audit row, committed.
    private func lookUpAndRecord(
        _ context: ServerContext, _ consultant: ConsultantRecord, _ action: String, _ readerID: Int64?, _ detail: String
    ) async throws -> ReaderRecord? {
        let reader = try await existingReader(readerID)
        _ = try await storage {
            try await store.audit(AuditRecord(
                actorKind: 1, actorID: consultant.id, action: "ConsultantService.\(action)", readerID: readerID ?? 0,
                peerPID: context.peer.pid, peerUID: context.peer.uid, detail: detail
            ))
        }
        return reader
    }

    private func pageSize(_ size: UInt32) throws -> Int {
        guard size <= 1_000 else { throw RPCError(.invalidArgument, "page_size: must be at most 1,000, got \(size)") }
        return size == 0 ? 100 : Int(size)
    }

    /// A token position for a list about one reader: the reader's id, then the position.
    private func readerPosition(_ token: String, _ scope: PageTokens.Scope, consultant: Int64, reader: Int64) throws -> [UInt8]? {
        guard !token.isEmpty else { return nil }
        let bytes = try pageTokens.bytes(of: token, scope, owner: consultant)
        guard bytes.count >= 8, PageTokens.int64(bytes[0..<8]) == reader else {
            throw RPCError(.invalidArgument, "page_token: not a page token of this reader's list")
        }
        return Array(bytes[8...])
    }

    private func readerToken(_ scope: PageTokens.Scope, consultant: Int64, reader: Int64, position: [UInt8]) -> String {
        pageTokens.make(scope, owner: consultant, position: PageTokens.bytes(reader) + position)
    }

    private static func int64(_ bytes: [UInt8]) throws -> Int64 {
        guard bytes.count == 8 else { throw RPCError(.invalidArgument, "page_token: not a page token of this list") }
        return PageTokens.int64(bytes)
    }

    // MARK: RPCs

    func listReaders(_ request: ListReadersRequest, _ context: ServerContext) async throws -> ListReadersResponse {
        let size = try pageSize(request.pageSize)
        var validation = Validation()
        validation.line(request.query, "query", 0...254)
        validation.require((0...2).contains(request.status.rawValue), "status", "must be ACTIVE or SUSPENDED, or unspecified")
        try validation.check()
        let detail = "status=\(request.status.rawValue) query=\(request.query) online_only=\(request.onlineOnly)"
        return try await audited(context, action: "ListReaders", readerID: nil, detail: detail) { consultant in
            let after: Int64 = request.pageToken.isEmpty ? 0 : try pageTokens.position(of: request.pageToken, .readers, owner: consultant.id)
            let status = Int(request.status.rawValue)
            let readers: [ReaderRecord]
            if request.onlineOnly {
                readers = try await onlineReaders(after: after, status: status, query: request.query, limit: size)
            } else {
                readers = try await storage { try await store.readers(afterID: after, status: status, prefix: request.query, limit: size) }
            }
            return ListReadersResponse.with {
                $0.readers = readers.map(message)
                if readers.count == size, let last = readers.last {
                    $0.nextPageToken = pageTokens.make(.readers, owner: consultant.id, position: last.id)
                }
            }
        }.value
    }

    /// A reader as consultants see it: with its presence, and its last-seen time from
    /// memory when newer than the saved one.
    private func message(_ reader: ReaderRecord) -> Reader {
        var message = AuthService.message(reader)
        message.online = presence.isOnline(reader.id)
        message.lastSeenAtMs = max(message.lastSeenAtMs, presence.lastSeen(reader.id) ?? 0)
        return message
    }

    /// The online readers after `after` in id order that match the status and query,
    /// read from the store a page at a time.
    private func onlineReaders(after: Int64, status: Int, query: String, limit: Int) async throws -> [ReaderRecord] {
        let ids = presence.onlineIDs().drop { $0 <= after }
        let prefix = query.lowercased()
        var found: [ReaderRecord] = []
        var next = ids.startIndex
        while found.count < limit, next < ids.endIndex {
            let chunk = Array(ids[next...].prefix(limit))
            next += chunk.count
            for reader in try await storage({ try await store.readers(ids: chunk) }) where found.count < limit {
                guard status == 0 || reader.status == status else { continue }
                guard prefix.isEmpty || reader.email.hasPrefix(prefix) || reader.displayName.lowercased().hasPrefix(prefix) else { continue }
                found.append(reader)
            }
        }
        return found
    }

    /// Readers online now, most recently seen first. The set changes between pages, so a
    /// page token is an offset into it: a reader may appear on two pages or be skipped as
    /// others come and go.
    func listActiveReaders(_ request: ListActiveReadersRequest, _ context: ServerContext) async throws -> ListActiveReadersResponse {
        let size = try pageSize(request.pageSize)
        return try await audited(context, action: "ListActiveReaders", readerID: nil) { consultant in
            let offset = request.pageToken.isEmpty ? 0 : Int(try pageTokens.position(of: request.pageToken, .activeReaders, owner: consultant.id))
            let online = presence.online(nowMs: authenticator.nowMs(), offset: offset, limit: size)
            let readers = online.readers.map { entry in
                ActiveReader.with {
                    $0.readerID = entry.readerID
                    $0.displayName = entry.displayName
                    $0.lastSeenAtMs = entry.lastSeenAtMs
                    $0.contentID = entry.contentID
                    $0.clientSessions = UInt32(clamping: entry.sessions)
                }
            }
            return ListActiveReadersResponse.with {
                $0.readers = readers
                if offset + size < online.total {
                    $0.nextPageToken = pageTokens.make(.activeReaders, owner: consultant.id, position: Int64(offset + size))
                }
            }
        }.value
    }

    func getReader(_ request: GetReaderRequest, _ context: ServerContext) async throws -> GetReaderResponse {
        let (state, reader) = try await audited(context, action: "GetReader", readerID: request.readerID) { _ in
            try await storage { try await store.readerState(readerID: request.readerID) }
        }
        return GetReaderResponse.with {
            $0.reader = reader.map(message)
            $0.state = state.map(ReaderService.message)
        }
    }

    func listReaderEvents(_ request: ListReaderEventsRequest, _ context: ServerContext) async throws -> ListReaderEventsResponse {
        let size = try pageSize(request.pageSize)
        return try await audited(context, action: "ListReaderEvents", readerID: request.readerID) { consultant in
            let before = try readerPosition(request.pageToken, .readerEvents, consultant: consultant.id, reader: request.readerID).map(Self.int64)
            var scannedDownTo: Int64?
            return try await pageReads.page(for: consultant.id, limit: size) { bytes in
                let page = try await store.eventPage(
                    readerID: request.readerID, beforeID: before, limit: size, sinceMs: request.sinceMs, untilMs: request.untilMs,
                    types: request.types, stopAfterBytes: bytes
                )
                scannedDownTo = page.scannedDownTo
                return page.events
            } respond: { page, continuesAfter in
                ListReaderEventsResponse.with {
                    $0.events = page.map(ReaderService.message)
                    if let position = continuesAfter?.id ?? scannedDownTo {
                        $0.nextPageToken = readerToken(.readerEvents, consultant: consultant.id, reader: request.readerID, position: PageTokens.bytes(position))
                    }
                }
            }
        }.value
    }

    func listReaderMilestones(_ request: ListReaderMilestonesRequest, _ context: ServerContext) async throws -> ListReaderMilestonesResponse {
        let size = try pageSize(request.pageSize)
        return try await audited(context, action: "ListReaderMilestones", readerID: request.readerID) { consultant in
            let after = try readerPosition(request.pageToken, .readerMilestones, consultant: consultant.id, reader: request.readerID)
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            return try await pageReads.page(for: consultant.id, limit: size) { bytes in
                try await store.milestones(readerID: request.readerID, afterContentID: after, limit: size, stopAfterBytes: bytes)
            } respond: { page, continuesAfter in
                ListReaderMilestonesResponse.with {
                    $0.milestones = page.map(ReaderService.message)
                    if let last = continuesAfter {
                        $0.nextPageToken = readerToken(.readerMilestones, consultant: consultant.id, reader: request.readerID, position: Array(last.contentID.utf8))
                    }
                }
            }
        }.value
    }

    func sendMessage(_ request: SendMessageToReaderRequest, _ context: ServerContext) async throws -> SendMessageToReaderResponse {
        var validation = Validation()
        validation.text(request.body, "body", 1...4_096)
        try validation.check()
        let (consultant, _) = try await authorize(context, role: .supervisor, action: "SendMessage", readerID: request.readerID)
        let message = try await storage {
            try await store.sendMessage(readerID: request.readerID, consultantID: consultant.id, direction: 2, body: request.body)
        }
        return SendMessageToReaderResponse.with { $0.message = ReaderService.message(message) }
    }

    func listConversation(_ request: ListConversationRequest, _ context: ServerContext) async throws -> ListConversationResponse {
        let size = try pageSize(request.pageSize)
        return try await audited(context, action: "ListConversation", readerID: request.readerID) { consultant in
            let before = try readerPosition(request.pageToken, .conversation, consultant: consultant.id, reader: request.readerID).map(Self.int64)
            return try await pageReads.page(for: consultant.id, limit: size) { bytes in
                try await store.messages(readerID: request.readerID, beforeID: before, limit: size, unreadOnly: false, stopAfterBytes: bytes)
            } respond: { page, continuesAfter in
                ListConversationResponse.with {
                    $0.messages = page.map(ReaderService.message)
                    if let last = continuesAfter {
                        $0.nextPageToken = readerToken(.conversation, consultant: consultant.id, reader: request.readerID, position: PageTokens.bytes(last.id))
                    }
                }
            }
        }.value
    }

    /// Figures for the consultants' dashboard. Not audited: it shows counts, no reader's data.
    func dashboard(_ request: DashboardRequest, _ context: ServerContext) async throws -> DashboardResponse {
        guard request.stuckAfterMinutes <= 10_080 else {
            throw RPCError(.invalidArgument, "stuck_after_minutes: at most 10,080 (a week), got \(request.stuckAfterMinutes)")
        }
        _ = try await authorize(context, action: "Dashboard", readerID: nil, audited: false)
        let now = nowMs()
        let stuckAfter = request.stuckAfterMinutes == 0 ? 30 : request.stuckAfterMinutes
        let counts = try await dashboardCounts.counts(stuckAfterMinutes: stuckAfter, nowMs: now)
        return DashboardResponse.with {
            $0.onlineNow = UInt32(clamping: presence.onlineCount)
            $0.eventsLast5Minutes = UInt64(feed.eventsReceived(windowMs: 5 * 60_000, nowMs: now))
            $0.eventsLast60Minutes = UInt64(feed.eventsReceived(windowMs: 60 * 60_000, nowMs: now))
            $0.stuckReaders = UInt32(clamping: counts.stuckReaders)
            $0.unreadMessages = UInt32(clamping: counts.unreadMessages)
            $0.totalReaders = UInt64(counts.totalReaders)
            $0.generatedAtMs = now
        }
    }
}
