import Foundation
import Glibc
import LecternClient
import LecternProtocol
import LecternStorage
import Synchronization
import Testing
@testable import LecternServices

/// Any response: every field skipped. The matrix only looks at the status.
struct AnyResponse: EmptyProtoMessage {
    static let protoName = "test.AnyResponse"
}

/// Who calls, in the matrix's columns.
enum Caller: String, CaseIterable, Sendable {
    case noToken = "no token", expired = "expired token", revoked = "revoked token"
    case readerA = "reader A", readerB = "reader B", viewer, supervisor, admin
    case serviceKey = "service key", gatewayForA = "service key for reader A", socketOwner = "socket owner"
}

/// Every RPC × every kind of caller, each with a valid request: allowed calls succeed;
/// refused ones are UNAUTHENTICATED or PERMISSION_DENIED, exactly as expected.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    /// Who may call each RPC, by method name.
    static let open: Set<Caller> = Set(Caller.allCases)
    static let authenticated: Set<Caller> = open.subtracting([.noToken, .expired, .revoked])
    static let readers: Set<Caller> = [.readerA, .readerB, .gatewayForA]
    static let consultants: Set<Caller> = [.viewer, .supervisor, .admin]
    static let admins: Set<Caller> = [.admin, .socketOwner]

    static func allowed(_ path: String) -> Set<Caller> {
        let service = path.split(separator: "/")[0], name = path.split(separator: "/")[1]
        switch (service, name) {
        case ("lectern.v1.AuthService", "SignUp"), ("lectern.v1.AuthService", "Login"), ("lectern.v1.HealthService", _): return open
        case ("lectern.v1.AuthService", "WhoAmI"): return authenticated
        case ("lectern.v1.AuthService", "Logout"): return readers.union(consultants)
        case ("lectern.v1.ReaderService", _): return readers
        case ("lectern.v1.ConsultantService", "SendMessage"): return [.supervisor, .admin]
        case ("lectern.v1.ConsultantService", _): return consultants
        case ("lectern.v1.AdminService", _): return admins
        default: return []
        }
    }

    /// The server's fixtures: two readers, three consultants, a service key, and the
    /// options each caller sends.
    struct World: Sendable {
        var options: [Caller: CallOptions]
        var readerA: Int64
        var viewerID: Int64
        var spareKeyID: Int64
        var directory: String
    }

    static func login(_ server: TestServer, _ email: String, _ password: String, kind: AccountKind) async throws -> String {
        try await server.auth.login(.with { $0.email = email; $0.password = password; $0.accountKind = kind }).token
    }

    static func makeWorld(_ server: TestServer) async throws -> World {
        let auth = server.auth
        let a = try await auth.signUp(.with { $0.email = "a@example.org"; $0.password = "password a"; $0.displayName = "A" })
        _ = try await auth.signUp(.with { $0.email = "b@example.org"; $0.password = "password b"; $0.displayName = "B" })
        var viewerID: Int64 = 0
        for (name, role) in [("viewer", 1), ("supervisor", 2), ("admin", 3)] {
            let hash = try Credentials.hashPassword("password \(name)", strength: .minimum)
            let consultant = try await server.store.createConsultant(NewConsultant(email: "\(name)@staff.org", displayName: name, passwordHash: hash, role: role))
            if role == 1 { viewerID = consultant.id }
        }
        let key = Authenticator.serviceKeyPrefix + Credentials.newToken()
        _ = try await server.store.createServiceKey(name: "gateway", keyHash: Credentials.tokenHash(key))
        let spare = try await server.store.createServiceKey(name: "spare", keyHash: Credentials.tokenHash(Authenticator.serviceKeyPrefix + Credentials.newToken()))
        let expired = Credentials.newToken()
        try await server.store.createSession(SessionRecord(
            tokenHash: Credentials.tokenHash(expired), accountKind: 1, accountID: a.reader?.id ?? 0,
            createdAtMs: server.clock.ms - 10_000, expiresAtMs: server.clock.ms - 1
        ))
        let revoked = try await login(server, "a@example.org", "password a", kind: .reader)
        _ = try await auth.logout(options: .bearer(revoked))
        return World(
            options: [
                .noToken: CallOptions(), .expired: .bearer(expired), .revoked: .bearer(revoked),
                .readerA: .bearer(try await login(server, "a@example.org", "password a", kind: .reader)),
                .readerB: .bearer(try await login(server, "b@example.org", "password b", kind: .reader)),
                .viewer: .bearer(try await login(server, "viewer@staff.org", "password viewer", kind: .consultant)),
                .supervisor: .bearer(try await login(server, "supervisor@staff.org", "password supervisor", kind: .consultant)),
                .admin: .bearer(try await login(server, "admin@staff.org", "password admin", kind: .consultant)),
                .serviceKey: .bearer(key),
                .gatewayForA: CallOptions(metadata: [
                    "authorization": "Bearer \(key)",
                    Authenticator.readerTokenKey: try await login(server, "a@example.org", "password a", kind: .reader),
                ]),
                // The socket owner calls with no token; the owner server below treats our uid as its owner.
                .socketOwner: CallOptions(),
            ],
            readerA: a.reader?.id ?? 0, viewerID: viewerID, spareKeyID: spare.id, directory: server.directory
        )
    }

    /// A request that is valid for an allowed caller, so a refusal can only come from
    /// authorization. `n` makes emails, names and paths unique.
    static func request(_ path: String, _ world: World, _ n: Int, _ server: TestServer) async throws -> any ProtoMessage {
        let unique = "m\(n)-\(UUID().uuidString.prefix(6))"
        switch path {
        case "/lectern.v1.AuthService/SignUp":
            return SignUpRequest.with { $0.email = "\(unique)@example.org"; $0.password = "password x"; $0.displayName = unique }
        case "/lectern.v1.AuthService/Login":
            return LoginRequest.with { $0.email = "b@example.org"; $0.password = "password b"; $0.accountKind = .reader }
        case "/lectern.v1.ReaderService/Heartbeat": return HeartbeatRequest.with { $0.clientSessionID = "tab" }
        case "/lectern.v1.ReaderService/AppendEvents", "/lectern.v1.ReaderService/ImportEvents":
            return AppendEventsRequest.with { $0.events = [EventInput.with { $0.clientSessionID = "m"; $0.sequence = UInt64(n); $0.type = "page_view" }] }
        case "/lectern.v1.ReaderService/UpsertMilestone": return UpsertMilestoneRequest.with { $0.contentID = "book"; $0.status = .started }
        case "/lectern.v1.ReaderService/SendMessage": return SendMessageRequest.with { $0.body = "hello" }
        case "/lectern.v1.ConsultantService/GetReader": return GetReaderRequest.with { $0.readerID = world.readerA }
        case "/lectern.v1.ConsultantService/ListReaderEvents": return ListReaderEventsRequest.with { $0.readerID = world.readerA }
        case "/lectern.v1.ConsultantService/ListReaderMilestones": return ListReaderMilestonesRequest.with { $0.readerID = world.readerA }
        case "/lectern.v1.ConsultantService/SendMessage": return SendMessageToReaderRequest.with { $0.readerID = world.readerA; $0.body = "hi" }
        case "/lectern.v1.ConsultantService/ListConversation": return ListConversationRequest.with { $0.readerID = world.readerA }
        case "/lectern.v1.AdminService/CreateConsultant":
            return CreateConsultantRequest.with { $0.email = "\(unique)@staff.org"; $0.password = "password x"; $0.displayName = unique; $0.role = .viewer }
        case "/lectern.v1.AdminService/SetConsultantRole": return SetConsultantRoleRequest.with { $0.consultantID = world.viewerID; $0.role = .viewer }
        case "/lectern.v1.AdminService/CreateServiceKey": return CreateServiceKeyRequest.with { $0.name = unique }
        case "/lectern.v1.AdminService/RevokeServiceKey": return RevokeServiceKeyRequest.with { $0.serviceKeyID = world.spareKeyID }
        case "/lectern.v1.AdminService/SuspendReader": return SuspendReaderRequest.with { $0.readerID = world.readerA; $0.suspended = false }
        case "/lectern.v1.AdminService/ListConsultants": return ListConsultantsRequest()
        case "/lectern.v1.AdminService/SuspendConsultant": return SuspendConsultantRequest.with { $0.consultantID = world.viewerID; $0.suspended = false }
        case "/lectern.v1.AdminService/DeleteReader":
            let doomed = try await server.store.createReader(NewReader(email: "\(unique)@example.org", displayName: unique, passwordHash: "x"))
            return DeleteReaderRequest.with { $0.readerID = doomed.id }
        case "/lectern.v1.AdminService/Backup": return BackupRequest.with { $0.destinationPath = world.directory + "/backup-\(unique).db" }
        case "/lectern.v1.AdminService/Checkpoint": return CheckpointRequest.with { $0.mode = .passive }
        case "/lectern.v1.AdminService/ArchiveEvents":
            return ArchiveEventsRequest.with { $0.beforeMs = 1; $0.archivePath = world.directory + "/archive-\(unique).db" }
        default:
            let method = try #require(LecternV1.methods.first { $0.path == path })
            return method.request.init()
        }
    }

    /// The call's status: OK, or the code it failed with.
    static func status<Request: ProtoMessage>(
        _ server: TestServer, _ path: String, _ request: Request, _ options: CallOptions, kind: RPCMethod.Kind
    ) async -> RPCStatusCode {
        do {
            if kind == .clientStreaming {
                let call = try await server.client.clientStreaming(path, requestType: Request.self, as: AnyResponse.self, options: options)
                try await call.send(request)
                _ = try await call.finish()
            } else if kind == .serverStreaming {
                let stream = try await server.client.serverStreaming(path, request, as: AnyResponse.self, options: options)
                let iterator = stream.makeAsyncIterator()
                _ = try await iterator.next()
            } else {
                _ = try await server.client.unary(path, request, as: AnyResponse.self, options: options)
            }
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    /// Callers without a valid token are UNAUTHENTICATED (the socket owner too, when it
    /// asks to log out a session it does not have); the others are PERMISSION_DENIED.
    static func expectedRefusal(_ caller: Caller, _ path: String) -> RPCStatusCode {
        if caller == .socketOwner && path == "/lectern.v1.AuthService/Logout" { return .unauthenticated }
        return [.noToken, .expired, .revoked].contains(caller) ? .unauthenticated : .permissionDenied
    }

    static func check(_ server: TestServer, _ world: World, callers: [Caller], methods: [RPCMethod]) async throws {
        var n = 0
        for method in methods {
            for caller in callers {
                n += 1
                let request = try await request(method.path, world, n, server)
                let code = await status(server, method.path, request, try #require(world.options[caller]), kind: method.kind)
                if allowed(method.path).contains(caller) {
                    #expect(code == .ok, "\(method.path) × \(caller.rawValue): \(code), expected OK")
                } else {
                    let expected = expectedRefusal(caller, method.path)
                    #expect(code == expected, "\(method.path) × \(caller.rawValue): \(code), expected \(expected)")
                }
            }
        }
    }

    /// Logout last: it revokes the token it is called with.
    static let methods = LecternV1.methods.filter { $0.path != "/lectern.v1.AuthService/Logout" }
        + LecternV1.methods.filter { $0.path == "/lectern.v1.AuthService/Logout" }

    @Test("every RPC × no, expired and revoked tokens, two readers, three roles, a service key alone and for a reader")
    func tokenCallers() async throws {
        // Our uid is not this server's owner, so "no token" is just no token.
        try await withTestServer(configure: { $0.auth.ownerUID = getuid() &+ 1 }) { server in
            let world = try await Self.makeWorld(server)
            try await Self.check(server, world, callers: Caller.allCases.filter { $0 != .socketOwner }, methods: Self.methods)
        }
    }

    @Test("every RPC × the socket's owner, calling with no token")
    func socketOwner() async throws {
        try await withTestServer { server in
            let world = try await Self.makeWorld(server)
            try await Self.check(server, world, callers: [.socketOwner], methods: Self.methods)
        }
    }

    @Test("the matrix covers every RPC of Protos/")
    func coversEveryRPC() {
        #expect(Self.methods.count == LecternV1.methods.count)
        for method in LecternV1.methods {
            #expect(!Self.allowed(method.path).isEmpty, "\(method.path) has no row")
        }
    }
}
