import Foundation
import LecternClient
import LecternProtocol
import LecternServer
import LecternStorage
import Logging
import Synchronization
import Testing
@testable import LecternServices

/// The wall clock, moved forward by the test: the store stamps rows with the wall clock,
/// so the services' clock must not fall behind it.
final class TestClock: Sendable {
    private let offset = Mutex<Int64>(0)
    var ms: Int64 { Int64(Date().timeIntervalSince1970 * 1000) + offset.withLock { $0 } }
    func advance(byMs delta: Int64) { offset.withLock { $0 += delta } }
}

/// Lectern's services on a real socket and a fresh database, with a clock the test moves.
struct TestServer: Sendable {
    let auth: AuthClient
    let store: SQLiteStore
    let clock: TestClock
    let services: Services
    let socketPath: String
    /// The server's own temp directory, removed with it: a test's files go here.
    let directory: String
    var client: RPCClient { auth.client }
}

func withTestServer<T>(
    databaseDirectory: String? = nil,
    configure: (inout Services.Configuration) -> Void = { _ in }, _ body: (TestServer) async throws -> T
) async throws -> T {
    let directory = "/tmp/la-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let store = try await SQLiteStore.open(StoreConfiguration(path: (databaseDirectory ?? directory) + "/db"))
    let clock = TestClock()
    var configuration = Services.Configuration()
    configuration.auth.passwordStrength = .minimum
    configuration.auth.nowMs = { clock.ms }
    configure(&configuration)
    let services = try await Services(store: store, configuration: configuration, logger: Logger(label: "test"))
    var router = RPCRouter()
    services.register(on: &router)
    var serverConfiguration = RPCServerConfiguration(socketPath: directory + "/s.sock")
    serverConfiguration.eventLoopThreads = 1
    let server = RPCServer(configuration: serverConfiguration, router: router, logger: Logger(label: "test"))
    let running = Task { try await server.run() }
    while !FileManager.default.fileExists(atPath: serverConfiguration.socketPath) { try await Task.sleep(for: .milliseconds(2)) }
    let client = RPCClient(socketPath: serverConfiguration.socketPath)
    defer { running.cancel() }
    let result = try await body(TestServer(
        auth: AuthClient(client), store: store, clock: clock, services: services, socketPath: serverConfiguration.socketPath,
        directory: directory
    ))
    await client.close()
    services.beginShutdown()
    await server.shutdown()
    try await running.value
    await store.close()
    return result
}

/// The services over a real socket: the client, the store and the test's clock.
func withAuthServer<T>(_ body: (AuthClient, SQLiteStore, TestClock) async throws -> T) async throws -> T {
    try await withTestServer { try await body($0.auth, $0.store, $0.clock) }
}

@Suite("AuthService over a real socket")
struct AuthServiceTests {
    static let signUp = SignUpRequest.with {
        $0.email = "Ada@Example.org"
        $0.password = "correct horse battery staple"
        $0.displayName = "Ada"
    }

    private func code(_ body: () async throws -> Void) async -> (RPCStatusCode, RPCError?) {
        do {
            try await body()
            return (.ok, nil)
        } catch let error as RPCError {
            return (error.code, error)
        } catch {
            return (.unknown, nil)
        }
    }

    @Test("sign up, log in, WhoAmI, log out: the revoked token stops working")
    func journey() async throws {
        try await withAuthServer { auth, _, _ in
            let signedUp = try await auth.signUp(Self.signUp)
            #expect(signedUp.token.count == 43)
            #expect(signedUp.reader?.email == "ada@example.org")
            let login = try await auth.login(LoginRequest.with {
                $0.email = "ADA@example.org"
                $0.password = Self.signUp.password
            })
            #expect(login.accountKind == .reader && login.accountID == signedUp.reader?.id)
            #expect(login.token != signedUp.token)
            let me = try await auth.whoAmI(options: .bearer(login.token))
            #expect(me.kind == .reader)
            #expect(me.account == .reader(try #require(signedUp.reader)))
            #expect(me.expiresAtMs == login.expiresAtMs)
            _ = try await auth.logout(options: .bearer(login.token))
            let (after, error) = await code { _ = try await auth.whoAmI(options: .bearer(login.token)) }
            #expect(after == .unauthenticated)
            #expect(error?.message.contains("revoked") == true)
            // The other session is untouched.
            #expect(try await auth.whoAmI(options: .bearer(signedUp.token)).kind == .reader)
        }
    }

    @Test("an unknown email and a wrong password give the same answer")
    func sameAnswer() async throws {
        try await withAuthServer { auth, _, _ in
            _ = try await auth.signUp(Self.signUp)
            let (wrongCode, wrong) = await code { _ = try await auth.login(.with { $0.email = Self.signUp.email; $0.password = "wrong password" }) }
            let (unknownCode, unknown) = await code { _ = try await auth.login(.with { $0.email = "nobody@example.org"; $0.password = "wrong password" }) }
            #expect(wrongCode == .unauthenticated && unknownCode == .unauthenticated)
            #expect(wrong?.message == unknown?.message)
        }
    }

    @Test("failed logins are throttled per account, with a retry hint, until the window ends")
    func throttling() async throws {
        try await withAuthServer { auth, _, clock in
            _ = try await auth.signUp(Self.signUp)
            for _ in 0..<5 {
                let (status, _) = await code { _ = try await auth.login(.with { $0.email = Self.signUp.email; $0.password = "guess guess" }) }
                #expect(status == .unauthenticated)
            }
            let right = LoginRequest.with { $0.email = Self.signUp.email; $0.password = Self.signUp.password }
            let (throttled, error) = await code { _ = try await auth.login(right) }
            #expect(throttled == .resourceExhausted)
            #expect(error?.details?.reason == "LOGIN_THROTTLED")
            #expect((error?.details?.retryAfterMs ?? 0) > 0)
            clock.advance(byMs: 60_001)
            #expect(try await auth.login(right).accountKind == .reader)
        }
    }

    @Test("wrong passwords sent at once are held to the same limit as one after another")
    func concurrentGuesses() async throws {
        try await withAuthServer { auth, _, _ in
            _ = try await auth.signUp(Self.signUp)
            let statuses = await withTaskGroup(of: RPCStatusCode.self) { group in
                for n in 0..<60 {
                    group.addTask {
                        await code { _ = try await auth.login(.with { $0.email = Self.signUp.email; $0.password = "guess \(n)" }) }.0
                    }
                }
                return await group.reduce(into: [RPCStatusCode]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unauthenticated }.count == 5)
            #expect(statuses.filter { $0 == .resourceExhausted }.count == 55)
        }
    }

    @Test("a gateway's failed logins count by the client address it names, not by its uid: one user cannot lock the others out")
    func gatewayThrottling() async throws {
        try await withAuthServer { auth, _, _ in
            let secret = try await AdminClient(auth.client).createServiceKey(.with { $0.name = "web" }).secret
            _ = try await auth.signUp(Self.signUp)
            let right = LoginRequest.with { $0.email = Self.signUp.email; $0.password = Self.signUp.password }
            func failures(_ count: Int, _ metadata: [String: String]) async -> [RPCStatusCode] {
                var statuses: [RPCStatusCode] = []
                for n in 0..<count {
                    let wrong = LoginRequest.with { $0.email = "nobody-\(n)-\(metadata.count)@example.org"; $0.password = "guess guess" }
                    statuses.append(await code { _ = try await auth.login(wrong, options: CallOptions(metadata: metadata)) }.0)
                }
                return statuses
            }
            let gateway = ["authorization": "Bearer \(secret)"]
            // 25 wrong passwords through the gateway, more than a uid may make: the next user still logs in.
            #expect(await failures(25, gateway).allSatisfy { $0 == .unauthenticated })
            #expect(try await auth.login(right, options: CallOptions(metadata: gateway)).accountKind == .reader)
            // Named by address, one address is throttled and another is not.
            let attacker = gateway.merging(["x-client-address": "198.51.100.7"]) { $1 }
            #expect(await failures(21, attacker).last == .resourceExhausted)
            #expect(try await auth.login(right, options: CallOptions(metadata: gateway.merging(["x-client-address": "198.51.100.8"]) { $1 })).accountKind == .reader)
            // A made-up key is no way around the uid's count.
            let (forged, _) = await code { _ = try await auth.login(right, options: CallOptions(metadata: ["authorization": "Bearer lsk_made_up"])) }
            #expect(forged == .unauthenticated)
            // Without a key, the uid's failures count together.
            #expect(await failures(21, [:]).last == .resourceExhausted)
        }
    }

    @Test("an expired token is refused")
    func expiry() async throws {
        try await withAuthServer { auth, _, clock in
            let token = try await auth.signUp(Self.signUp).token
            clock.advance(byMs: 30 * 24 * 3600 * 1000 + 1)
            let (status, error) = await code { _ = try await auth.whoAmI(options: .bearer(token)) }
            #expect(status == .unauthenticated)
            #expect(error?.message.contains("expired") == true)
        }
    }

    @Test("bad sign-up fields are INVALID_ARGUMENT naming each field, and nothing is stored")
    func validation() async throws {
        try await withAuthServer { auth, store, _ in
            let (status, error) = await code {
                _ = try await auth.signUp(.with { $0.email = "not an email"; $0.password = "short"; $0.displayName = "" })
            }
            #expect(status == .invalidArgument)
            let fields = Set(error?.details?.fieldViolations.map { $0.field } ?? [])
            #expect(fields == ["email", "password", "display_name"])
            let stored = try await store.reader(email: "not an email")
            #expect(stored == nil)
        }
    }

    @Test("signing up twice with one email is ALREADY_EXISTS")
    func duplicate() async throws {
        try await withAuthServer { auth, _, _ in
            _ = try await auth.signUp(Self.signUp)
            let (status, _) = await code { _ = try await auth.signUp(Self.signUp) }
            #expect(status == .alreadyExists)
        }
    }

    @Test("a consultant logs in as a consultant; a reader's password does not open it")
    func consultant() async throws {
        try await withAuthServer { auth, store, _ in
            let hash = try Credentials.hashPassword("consultant password", strength: .minimum)
            let created = try await store.createConsultant(NewConsultant(email: "cy@example.org", displayName: "Cy", passwordHash: hash, role: 2))
            let login = try await auth.login(.with { $0.email = "cy@example.org"; $0.password = "consultant password"; $0.accountKind = .consultant })
            #expect(login.accountKind == .consultant && login.accountID == created.id)
            let me = try await auth.whoAmI(options: .bearer(login.token))
            #expect(me.kind == .consultant)
            if case .consultant(let consultant)? = me.account { #expect(consultant.role == .supervisor) } else { Issue.record("not a consultant") }
            let (asReader, _) = await code { _ = try await auth.login(.with { $0.email = "cy@example.org"; $0.password = "consultant password" }) }
            #expect(asReader == .unauthenticated)
        }
    }

    @Test("no token from the socket's owner is the socket owner; a made-up token is UNAUTHENTICATED")
    func socketOwnerAndBadToken() async throws {
        try await withAuthServer { auth, _, _ in
            let owner = try await auth.whoAmI(options: CallOptions())
            #expect(owner.kind == .socketOwner)
            let (status, _) = await code { _ = try await auth.whoAmI(options: .bearer(Credentials.newToken())) }
            #expect(status == .unauthenticated)
            // An authorization that is there but mangled is UNAUTHENTICATED too, even for the
            // socket's owner: it must not fall back to the owner's rights.
            for mangled in ["", "Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "Bearer a b", Credentials.newToken()] {
                let (status, error) = await code { _ = try await auth.whoAmI(options: CallOptions(metadata: ["authorization": mangled])) }
                #expect(status == .unauthenticated && error?.message.contains("authorization") == true, "\(mangled)")
            }
            // The scheme in any case, the key in any case (metadata keys are case-insensitive).
            let token = try await auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "correct horse battery"; $0.displayName = "Ada" }).token
            for metadata in [["authorization": "bearer " + token], ["Authorization": "Bearer " + token], ["AUTHORIZATION": "BEARER  " + token]] {
                #expect(try await auth.whoAmI(options: CallOptions(metadata: metadata)).kind == .reader, "\(metadata)")
            }
            let (twice, _) = await code { _ = try await auth.whoAmI(options: CallOptions(metadata: ["authorization": "", "Authorization": "Bearer " + token])) }
            #expect(twice == .invalidArgument)
        }
    }
}

@Suite("Server secrets")
struct ServerSecretsTests {
    @Test("a page-token key of the wrong length (the database changed by hand) fails the start with an error, not a crash")
    func wrongKeyLength() async throws {
        let directory = "/tmp/la-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await SQLiteStore.open(StoreConfiguration(path: directory + "/db"))
        // The key the services would make, stored short, as a hand edit would leave it.
        _ = try await store.secret(named: "page-tokens") { [1, 2, 3] }
        do {
            _ = try await Services(store: store, configuration: Services.Configuration(), logger: Logger(label: "test"))
            Issue.record("the services started with a 3-byte page-token key")
        } catch let error as StorageError {
            #expect(error.message.contains("page-token key") && error.message.contains("3 bytes"))
        }
        await store.close()
    }
}
