import LecternProtocol
import LecternServer
import LecternStorage

/// `lectern.v1.AdminService`, for a consultant with the admin role or the owner of the
/// socket (same uid as the server, no token): so the first admin can be made on a fresh
/// database, and there is no default password anywhere. Every call leaves an audit row.
/// Today: CreateConsultant, SetConsultantRole, ListAuditLog, Backup, Stats, Checkpoint.
public final class AdminService: Sendable {
    private let store: any Store
    private let authenticator: Authenticator
    private let passwordStrength: Credentials.Strength

    public init(store: any Store, authenticator: Authenticator, passwordStrength: Credentials.Strength = .interactive) {
        self.store = store
        self.authenticator = authenticator
        self.passwordStrength = passwordStrength
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
        router.serverStreaming("/lectern.v1.AdminService/Backup") { [self] (request: BackupRequest, context, writer: ResponseWriter<BackupProgress>) in
            try await backup(request, context, writer)
        }
    }

    /// Allows an admin consultant or the socket's owner, and audits the action first.
    private func authorize(_ context: ServerContext, action: String, readerID: Int64 = 0, detail: String = "") async throws {
        let (kind, id): (Int, Int64)
        switch try await authenticator.authenticate(context) {
        case .consultant(let consultant) where consultant.role >= Int(ConsultantRole.admin.rawValue):
            (kind, id) = (1, consultant.id)
        case .socketOwner(let uid):
            (kind, id) = (2, Int64(uid))
        default:
            throw RPCError(.permissionDenied, "AdminService takes an admin's token, or the socket's owner")
        }
        _ = try await storage {
            try await store.audit(AuditRecord(
                actorKind: kind, actorID: id, action: "AdminService.\(action)", readerID: readerID,
                peerPID: context.peer.pid, peerUID: context.peer.uid, detail: detail
            ))
        }
    }

    func createConsultant(_ request: CreateConsultantRequest, _ context: ServerContext) async throws -> CreateConsultantResponse {
        let email = AuthService.normalize(request.email)
        var validation = Validation()
        validation.length(email, "email", 3...254)
        validation.require(email.filter { $0 == "@" }.count == 1 && !email.contains(where: \.isWhitespace), "email", "must be one address with one @ and no spaces")
        validation.length(request.password, "password", 8...1024)
        validation.length(request.displayName, "display_name", 1...128)
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
        guard let updated else { throw RPCError(.notFound, "consultant_id: no consultant \(request.consultantID)") }
        return SetConsultantRoleResponse.with { $0.consultant = AuthService.message(updated) }
    }

    func listAuditLog(_ request: ListAuditLogRequest, _ context: ServerContext) async throws -> ListAuditLogResponse {
        guard request.pageSize <= 1_000 else { throw RPCError(.invalidArgument, "page_size: must be at most 1,000, got \(request.pageSize)") }
        guard request.consultantID == 0, request.action.isEmpty, request.sinceMs == 0, request.untilMs == 0 else {
            throw RPCError(.unimplemented, "only the reader_id filter is served yet")
        }
        try await authorize(context, action: "ListAuditLog", readerID: request.readerID)
        let before: Int64? = request.pageToken.isEmpty ? nil : Int64(request.pageToken)
        guard request.pageToken.isEmpty || before != nil else { throw RPCError(.invalidArgument, "page_token: not a page token of this list") }
        let size = request.pageSize == 0 ? 100 : Int(request.pageSize)
        let entries = try await storage {
            try await store.auditEntries(readerID: request.readerID == 0 ? nil : request.readerID, beforeID: before, limit: size)
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
        guard request.destinationPath.hasPrefix("/") else {
            throw RPCError(.invalidArgument, "destination_path: must be an absolute path")
        }
        try await authorize(context, action: "Backup", detail: "to=\(request.destinationPath)")
        do {
            for try await step in store.backup(to: request.destinationPath, pagesPerStep: request.pagesPerStep == 0 ? 256 : Int(request.pagesPerStep)) {
                try await writer.write(BackupProgress.with {
                    $0.pagesTotal = UInt64(step.pagesTotal)
                    $0.pagesCopied = UInt64(step.pagesCopied)
                    $0.done = step.done
                    $0.bytes = UInt64(step.pagesCopied * step.pageSize)
                })
            }
        } catch let error as StorageError {
            throw error.code == .invalidArgument ? RPCError(.alreadyExists, "destination_path: \(error.message)") : error.rpcError
        }
    }
}
