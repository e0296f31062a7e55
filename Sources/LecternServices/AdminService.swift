import Foundation
import LecternProtocol
import LecternServer
import LecternStorage
import Synchronization

/// `lectern.v1.AdminService`, for a consultant with the admin role or the owner of the
/// socket (same uid as the server, no token): so the first admin can be made on a fresh
/// database, and there is no default password anywhere. Every call leaves an audit row.
public final class AdminService: Sendable {
    private let store: any Store
    private let authenticator: Authenticator
    private let passwordStrength: Credentials.Strength
    private let presence: Presence
    private let feed: LiveFeed
    private let startedAtMs: Int64
    /// Where an admin by token may write files (`Services.Configuration.adminFileDirectory`).
    private let fileDirectory: String?
    /// Whether an ArchiveEvents runs: the archive is attached under one name, so one at a time.
    private let archiving = Atomic<Bool>(false)

    public init(
        store: any Store, authenticator: Authenticator, presence: Presence, feed: LiveFeed, passwordStrength: Credentials.Strength = .interactive,
        fileDirectory: String? = nil
    ) {
        self.fileDirectory = fileDirectory.map(Self.resolved)
        self.store = store
        self.authenticator = authenticator
        self.presence = presence
        self.feed = feed
        self.passwordStrength = passwordStrength
        startedAtMs = authenticator.nowMs()
    }

    public func register(on router: inout RPCRouter) {
        router.unary("/lectern.v1.AdminService/CreateConsultant") { [self] (request: CreateConsultantRequest, context) in
            try await createConsultant(request, context)
        }
        router.unary("/lectern.v1.AdminService/SetConsultantRole") { [self] (request: SetConsultantRoleRequest, context) in
            try await setConsultantRole(request, context)
        }
        router.unary("/lectern.v1.AdminService/ListAuditLog") { [self] (request: ListAuditLogRequest, context) in
            try await listAuditLog(request, context)
        }
        router.unary("/lectern.v1.AdminService/Stats") { [self] (_: StatsRequest, context) in
            try await stats(context)
        }
        router.unary("/lectern.v1.AdminService/Checkpoint") { [self] (request: CheckpointRequest, context) in
            try await checkpoint(request, context)
        }
        router.unary("/lectern.v1.AdminService/CreateServiceKey") { [self] (request: CreateServiceKeyRequest, context) in
            try await createServiceKey(request, context)
        }
        router.unary("/lectern.v1.AdminService/RevokeServiceKey") { [self] (request: RevokeServiceKeyRequest, context) in
            try await revokeServiceKey(request, context)
        }
        router.unary("/lectern.v1.AdminService/SuspendReader") { [self] (request: SuspendReaderRequest, context) in
            try await suspendReader(request, context)
        }
        router.unary("/lectern.v1.AdminService/SuspendConsultant") { [self] (request: SuspendConsultantRequest, context) in
            try await suspendConsultant(request, context)
        }
        router.unary("/lectern.v1.AdminService/ListConsultants") { [self] (request: ListConsultantsRequest, context) in
            try await listConsultants(request, context)
        }
        router.unary("/lectern.v1.AdminService/DeleteReader") { [self] (request: DeleteReaderRequest, context) in
            try await deleteReader(request, context)
        }
        router.unary("/lectern.v1.AdminService/ArchiveEvents") { [self] (request: ArchiveEventsRequest, context) in
            try await archiveEvents(request, context)
        }
        router.serverStreaming("/lectern.v1.AdminService/Backup") { [self] (request: BackupRequest, context, writer: ResponseWriter<BackupProgress>) in
            try await backup(request, context, writer)
        }
    }

    /// Allows an admin consultant or the socket's owner, and audits the action first.
    /// Checks the caller may call AdminService and records the call; returns whether the
    /// caller is the socket's owner (rather than an admin by token).
    @discardableResult
    private func authorize(_ context: ServerContext, action: String, readerID: Int64 = 0, detail: String = "") async throws -> Bool {
        let (kind, id): (Int, Int64)
        switch try await authenticator.authenticate(context) {
        case .consultant(let consultant) where consultant.role >= Int(ConsultantRole.admin.rawValue):
            (kind, id) = (1, consultant.id)
        case .socketOwner(let uid):
            (kind, id) = (2, Int64(uid))
        case .serviceKey:
            throw RPCError(.permissionDenied, "AdminService does not take service keys")
        default:
            throw RPCError(.permissionDenied, "AdminService takes an admin's token, or the socket's owner")
        }
        _ = try await storage {
            try await store.audit(AuditRecord(
                actorKind: kind, actorID: id, action: "AdminService.\(action)", readerID: readerID,
                peerPID: context.peer.pid, peerUID: context.peer.uid, detail: detail
            ))
        }
        return kind == 2
    }

    /// A file an admin asked the server to write: an admin by token only inside the file
    /// directory (after `..` and symbolic links are resolved), so a token cannot make the
    /// server write wherever its user may. The file itself may not be a symbolic link: one
    /// left in the directory, pointing to a file not there yet, would have SQLite create its
    /// target outside (an archive attaches the path as given).
    private func checkDestination(_ path: String, field: String, byOwner: Bool) throws {
        guard !byOwner, let fileDirectory else { return }
        let file = URL(fileURLWithPath: path)
        guard Self.resolved(file.deletingLastPathComponent().path) == fileDirectory, !file.lastPathComponent.hasPrefix(".") else {
            throw RPCError(.permissionDenied, "\(field): an admin by token may write only directly in \(fileDirectory)")
        }
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            throw RPCError(.permissionDenied, "\(field): an admin by token may not write through a symbolic link")
        }
    }

    /// The file a backup or an archive is written to, its directory resolved as the kernel
    /// resolves it, and for an admin by token checked again once resolved: `sub/..` and
    /// symbolic links in the directory part lead nowhere but where they point.
    private func destination(_ path: String, field: String, byOwner: Bool) throws -> String {
        try checkDestination(path, field: field, byOwner: byOwner)
        let resolved: String
        do {
            resolved = try resolvedFilePath(path)
        } catch {
            throw RPCError(.invalidArgument, "\(field): \(error.message)")
        }
        try checkDestination(resolved, field: field, byOwner: byOwner)
        return resolved
    }

    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    func createConsultant(_ request: CreateConsultantRequest, _ context: ServerContext) async throws -> CreateConsultantResponse {
        let email = AuthService.normalize(request.email)
        var validation = Validation()
        validation.line(email, "email", 3...254)
        validation.require(email.filter { $0 == "@" }.count == 1 && !email.contains(where: \.isWhitespace), "email", "must be one address with one @ and no spaces")
        validation.length(request.password, "password", 8...1024)
        validation.line(request.displayName, "display_name", 1...128)
        validation.require((1...3).contains(request.role.rawValue), "role", "must be VIEWER, SUPERVISOR or ADMIN")
        try validation.check()
        try await authorize(context, action: "CreateConsultant", detail: "email=\(email) role=\(request.role)")
        let hash = try await Credentials.hashPasswordOffPool(request.password, strength: passwordStrength)
        do {
            let consultant = try await store.createConsultant(NewConsultant(
                email: email, displayName: request.displayName, passwordHash: hash, role: Int(request.role.rawValue)
            ))
            return CreateConsultantResponse.with { $0.consultant = AuthService.message(consultant) }
        } catch let error as StorageError where error.code == .conflict {
            throw RPCError(.alreadyExists, "email: a consultant with this email exists")
        } catch let error as StorageError {
            throw error.rpcError
        }
    }

    func setConsultantRole(_ request: SetConsultantRoleRequest, _ context: ServerContext) async throws -> SetConsultantRoleResponse {
        guard (1...3).contains(request.role.rawValue) else { throw RPCError(.invalidArgument, "role: must be VIEWER, SUPERVISOR or ADMIN") }
        try await authorize(context, action: "SetConsultantRole", detail: "consultant=\(request.consultantID) role=\(request.role)")
        let updated = try await storage { try await store.setConsultantRole(id: request.consultantID, role: Int(request.role.rawValue)) }
        authenticator.cache.forget(.consultant, accountID: request.consultantID)
        guard let updated else { throw RPCError(.notFound, "consultant_id: no consultant \(request.consultantID)") }
        return SetConsultantRoleResponse.with { $0.consultant = AuthService.message(updated) }
    }

    func listAuditLog(_ request: ListAuditLogRequest, _ context: ServerContext) async throws -> ListAuditLogResponse {
        var validation = Validation()
        validation.require(request.pageSize <= 1_000, "page_size", "must be at most 1,000, got \(request.pageSize)")
        validation.require(request.consultantID >= 0, "consultant_id", "must be a consultant's id or 0")
        validation.require(request.readerID >= 0, "reader_id", "must be a reader's id or 0")
        validation.line(request.action, "action", 0...128)
        validation.require(request.untilMs == 0 || request.untilMs > request.sinceMs, "until_ms", "must be after since_ms")
        try validation.check()
        try await authorize(context, action: "ListAuditLog", readerID: request.readerID)
        let before: Int64? = request.pageToken.isEmpty ? nil : Int64(request.pageToken)
        guard request.pageToken.isEmpty || before != nil else { throw RPCError(.invalidArgument, "page_token: not a page token of this list") }
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        let entries = try await storage {
            try await store.auditEntries(
                AuditFilter(
                    consultantID: request.consultantID, readerID: request.readerID, action: request.action,
                    sinceMs: request.sinceMs, untilMs: request.untilMs
                ),
                beforeID: before, limit: size
            )
        }
        return ListAuditLogResponse.with {
            $0.entries = entries.map { entry in
                AuditEntry.with {
                    $0.id = entry.id
                    $0.atMs = entry.atMs
                    $0.actorKind = ActorKind(rawValue: Int32(entry.actorKind))
                    $0.actorID = entry.actorID
                    $0.action = entry.action
                    $0.readerID = entry.readerID
                    $0.peerPID = entry.peerPID
                    $0.peerUID = entry.peerUID
                    $0.detail = entry.detail
                }
            }
            // The audit log is for admins only, so its position needs no signature.
            if entries.count == size, let last = entries.last { $0.nextPageToken = String(last.id) }
        }
    }

    func stats(_ context: ServerContext) async throws -> StatsResponse {
        try await authorize(context, action: "Stats")
        let stats = try await storage { try await store.stats() }
        return StatsResponse.with {
            $0.pageSize = UInt64(stats.pageSize)
            $0.pageCount = UInt64(stats.pageCount)
            $0.freelistCount = UInt64(stats.freelistCount)
            $0.walBytes = UInt64(stats.walBytes)
            $0.writeQueueDepth = UInt32(clamping: stats.writeQueueDepth)
            $0.commit = LatencySummary.with {
                $0.count = stats.writer.batches
                $0.p50Us = stats.writer.commitMicroseconds.p50
                $0.p99Us = stats.writer.commitMicroseconds.p99
                $0.maxUs = stats.writer.commitMicroseconds.max
            }
            $0.onlineReaders = UInt32(clamping: presence.onlineCount)
            $0.startedAtMs = startedAtMs
            $0.batchSize = LatencySummary.with {
                $0.count = stats.writer.commands
                $0.p50Us = stats.writer.batchSize.p50
                $0.p99Us = stats.writer.batchSize.p99
                $0.maxUs = stats.writer.batchSize.max
            }
        }
    }

    func checkpoint(_ request: CheckpointRequest, _ context: ServerContext) async throws -> CheckpointResponse {
        let mode: CheckpointKind = switch request.mode {
        case .passive: .passive
        case .full: .full
        case .restart: .restart
        case .truncate, .unspecified: .truncate
        default: throw RPCError(.invalidArgument, "mode: unknown checkpoint mode \(request.mode.rawValue)")
        }
        try await authorize(context, action: "Checkpoint", detail: "mode=\(mode.rawValue)")
        let outcome = try await storage { try await store.checkpoint(mode) }
        return CheckpointResponse.with {
            $0.walFrames = Int64(outcome.walFrames)
            $0.checkpointedFrames = Int64(outcome.checkpointedFrames)
            $0.busy = outcome.busy
        }
    }

    func backup(_ request: BackupRequest, _ context: ServerContext, _ writer: ResponseWriter<BackupProgress>) async throws {
        var validation = Validation()
        validation.require(request.destinationPath.hasPrefix("/"), "destination_path", "must be an absolute path")
        validation.line(request.destinationPath, "destination_path", 1...4_096)
        try validation.check()
        let byOwner = try await authorize(context, action: "Backup", detail: "to=\(request.destinationPath)")
        let path = try destination(request.destinationPath, field: "destination_path", byOwner: byOwner)
        do {
            for try await step in store.backup(to: path, pagesPerStep: request.pagesPerStep == 0 ? 256 : Int(request.pagesPerStep)) {
                try await writer.write(BackupProgress.with {
                    $0.pagesTotal = UInt64(step.pagesTotal)
                    $0.pagesCopied = UInt64(step.pagesCopied)
                    $0.done = step.done
                    $0.bytes = UInt64(step.pagesCopied * step.pageSize)
                })
            }
        } catch let error as StorageError {
            switch error.code {
            case .conflict: throw RPCError(.alreadyExists, "destination_path: \(error.message)")
            case .invalidArgument: throw RPCError(.invalidArgument, "destination_path: \(error.message)")
            default: throw error.rpcError
            }
        }
    }

    func createServiceKey(_ request: CreateServiceKeyRequest, _ context: ServerContext) async throws -> CreateServiceKeyResponse {
        var validation = Validation()
        validation.line(request.name, "name", 1...128)
        try validation.check()
        try await authorize(context, action: "CreateServiceKey", detail: "name=\(request.name)")
        let secret = Authenticator.serviceKeyPrefix + Credentials.newToken()
        do {
            let key = try await store.createServiceKey(name: request.name, keyHash: Credentials.tokenHash(secret))
            return CreateServiceKeyResponse.with {
                $0.key = Self.message(key)
                $0.secret = secret
            }
        } catch let error as StorageError where error.code == .conflict {
            throw RPCError(.alreadyExists, "name: a service key with this name exists")
        } catch let error as StorageError {
            throw error.rpcError
        }
    }

    func revokeServiceKey(_ request: RevokeServiceKeyRequest, _ context: ServerContext) async throws -> RevokeServiceKeyResponse {
        try await authorize(context, action: "RevokeServiceKey", detail: "key=\(request.serviceKeyID)")
        let key = try await storage { try await store.revokeServiceKey(id: request.serviceKeyID) }
        authenticator.cache.forget(serviceKeyID: request.serviceKeyID)
        guard let key else { throw RPCError(.notFound, "service_key_id: no service key \(request.serviceKeyID)") }
        return RevokeServiceKeyResponse.with { $0.key = Self.message(key) }
    }

    static func message(_ key: ServiceKeyRecord) -> ServiceKey {
        ServiceKey.with {
            $0.id = key.id
            $0.name = key.name
            $0.createdAtMs = key.createdAtMs
            $0.revokedAtMs = key.revokedAtMs
        }
    }

    func suspendReader(_ request: SuspendReaderRequest, _ context: ServerContext) async throws -> SuspendReaderResponse {
        var validation = Validation()
        validation.text(request.reason, "reason", 0...1_024)
        try validation.check()
        try await authorize(
            context, action: "SuspendReader", readerID: request.readerID,
            detail: "suspended=\(request.suspended) reason=\(request.reason)"
        )
        let reader = try await storage { try await store.setReaderStatus(id: request.readerID, status: request.suspended ? 2 : 1) }
        authenticator.cache.forget(.reader, accountID: request.readerID)
        guard let reader else { throw RPCError(.notFound, "reader_id: no reader \(request.readerID)") }
        if request.suspended { takeOffline(request.readerID) }
        return SuspendReaderResponse.with { $0.reader = AuthService.message(reader) }
    }

    /// A suspended consultant's sessions fail from the next call on (PERMISSION_DENIED), it
    /// cannot log in, and its Watch streams end at once: a consultant who leaves no longer
    /// sees readers' activity.
    func suspendConsultant(_ request: SuspendConsultantRequest, _ context: ServerContext) async throws -> SuspendConsultantResponse {
        var validation = Validation()
        validation.require(request.consultantID > 0, "consultant_id", "must be a consultant's id")
        validation.text(request.reason, "reason", 0...1_024)
        try validation.check()
        try await authorize(
            context, action: "SuspendConsultant",
            detail: "consultant=\(request.consultantID) suspended=\(request.suspended) reason=\(request.reason)"
        )
        let consultant = try await storage { try await store.setConsultantSuspended(id: request.consultantID, suspended: request.suspended) }
        authenticator.cache.forget(.consultant, accountID: request.consultantID)
        guard let consultant else { throw RPCError(.notFound, "consultant_id: no consultant \(request.consultantID)") }
        if request.suspended { feed.suspend(consultantID: consultant.id) } else { feed.reinstate(consultantID: consultant.id) }
        return SuspendConsultantResponse.with { $0.consultant = AuthService.message(consultant) }
    }

    /// The consultants in id order; the page token is the last id given (consultants are
    /// staff, listed only to admins: their ids are no secret to them).
    func listConsultants(_ request: ListConsultantsRequest, _ context: ServerContext) async throws -> ListConsultantsResponse {
        var validation = Validation()
        validation.require(request.pageSize <= 1_000, "page_size", "must be at most 1,000, got \(request.pageSize)")
        let after = request.pageToken.isEmpty ? 0 : Int64(request.pageToken)
        validation.require((after ?? -1) >= 0, "page_token", "not a page token of this list")
        try validation.check()
        try await authorize(context, action: "ListConsultants")
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        // One more than the page, to know whether another follows.
        let found = try await storage { try await store.consultants(afterID: after ?? 0, limit: size + 1) }
        let page = found.prefix(size)
        return ListConsultantsResponse.with {
            $0.consultants = page.map(AuthService.message)
            if found.count > size, let last = page.last { $0.nextPageToken = String(last.id) }
        }
    }

    /// A suspended or deleted reader is offline at once, for Watch streams too.
    private func takeOffline(_ readerID: Int64) {
        if let change = presence.remove(readerID: readerID, nowMs: authenticator.nowMs()) { feed.publish(change) }
    }

    func deleteReader(_ request: DeleteReaderRequest, _ context: ServerContext) async throws -> DeleteReaderResponse {
        try await authorize(context, action: "DeleteReader", readerID: request.readerID)
        let deleted = try await storage { try await store.deleteReader(id: request.readerID) }
        authenticator.cache.forget(.reader, accountID: request.readerID)
        guard let deleted else { throw RPCError(.notFound, "reader_id: no reader \(request.readerID)") }
        takeOffline(request.readerID)
        return DeleteReaderResponse.with {
            $0.eventsDeleted = UInt64(deleted.events)
            $0.milestonesDeleted = UInt64(deleted.milestones)
            $0.messagesDeleted = UInt64(deleted.messages)
            $0.sessionsDeleted = UInt64(deleted.sessions)
        }
    }

    func archiveEvents(_ request: ArchiveEventsRequest, _ context: ServerContext) async throws -> ArchiveEventsResponse {
        var validation = Validation()
        validation.require(request.beforeMs > 0, "before_ms", "must be a time in unix milliseconds")
        validation.require(request.archivePath.hasPrefix("/"), "archive_path", "must be an absolute path")
        validation.line(request.archivePath, "archive_path", 1...4_096)
        try validation.check()
        let byOwner = try await authorize(context, action: "ArchiveEvents", detail: "before_ms=\(request.beforeMs) to=\(request.archivePath)")
        let path = try destination(request.archivePath, field: "archive_path", byOwner: byOwner)
        guard !archiving.exchange(true, ordering: .acquiringAndReleasing) else {
            throw RPCError(.aborted, "another ArchiveEvents is running: call again when it has ended")
        }
        defer { archiving.store(false, ordering: .releasing) }
        do {
            let moved = try await store.archiveEvents(beforeMs: request.beforeMs, to: path)
            return ArchiveEventsResponse.with { $0.eventsArchived = UInt64(moved) }
        } catch let error as StorageError where error.code == .sqlite {
            // The archive file could not be attached or written as a Lectern archive.
            throw RPCError(.failedPrecondition, "archive_path: \(error.message)")
        } catch let error as StorageError where error.code == .invalidArgument {
            throw RPCError(.invalidArgument, "archive_path: \(error.message)")
        } catch let error as StorageError {
            throw error.rpcError
        }
    }
}
