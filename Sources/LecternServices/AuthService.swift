import Foundation
import LecternProtocol
import LecternServer
import LecternStorage

/// `lectern.v1.AuthService`: reader sign-up; login for readers and consultants; logout;
/// WhoAmI. Passwords are argon2id hashes; tokens are given once and stored as hashes.
public final class AuthService: Sendable {
    public struct Configuration: Sendable {
        /// How long a token is valid; defaults to 30 days.
        public var tokenLifetime: Duration = .seconds(30 * 24 * 3600)
        /// Cost of each password hash; defaults to libsodium's interactive limits.
        public var passwordStrength: Credentials.Strength = .interactive
        /// Failed logins allowed per account and per peer in a window; defaults to 5.
        public var maxFailedLogins = 5
        /// The window, in milliseconds; defaults to 60,000.
        public var failedLoginWindowMs: Int64 = 60_000
        /// The uid whose processes are the socket's owner when they call with no token;
        /// the server's own uid by default.
        public var ownerUID: UInt32 = getuid()
        /// The clock, in unix milliseconds (tests move it).
        public var nowMs: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

        public init() {}
    }

    private let store: any Store
    private let configuration: Configuration
    public let authenticator: Authenticator
    private let accountThrottle: LoginThrottle
    private let peerThrottle: LoginThrottle
    /// A hash that unknown emails are checked against, so they cost what a wrong password costs.
    private let decoyHash: String

    public init(store: any Store, configuration: Configuration = Configuration()) throws {
        self.store = store
        self.configuration = configuration
        authenticator = Authenticator(store: store, nowMs: configuration.nowMs, ownerUID: configuration.ownerUID)
        accountThrottle = LoginThrottle(limit: configuration.maxFailedLogins, windowMs: configuration.failedLoginWindowMs)
        peerThrottle = LoginThrottle(limit: configuration.maxFailedLogins * 4, windowMs: configuration.failedLoginWindowMs)
        decoyHash = try Credentials.hashPassword(Credentials.newToken(), strength: configuration.passwordStrength)
    }

    public func register(on router: inout RPCRouter) {
        router.unary("/lectern.v1.AuthService/SignUp") { [self] (request: SignUpRequest, _) in try await signUp(request) }
        router.unary("/lectern.v1.AuthService/Login") { [self] (request: LoginRequest, context) in try await login(request, context) }
        router.unary("/lectern.v1.AuthService/Logout") { [self] (_: LogoutRequest, context) in try await logout(context) }
        router.unary("/lectern.v1.AuthService/WhoAmI") { [self] (_: WhoAmIRequest, context) in try await whoAmI(context) }
    }

    // MARK: RPCs

    func signUp(_ request: SignUpRequest) async throws -> SignUpResponse {
        let email = Self.normalize(request.email)
        var validation = Validation()
        validation.line(email, "email", 3...254)
        validation.require(email.filter { $0 == "@" }.count == 1 && !email.contains(where: \.isWhitespace), "email", "must be one address with one @ and no spaces")
        validation.length(request.password, "password", 8...1024)
        validation.line(request.displayName, "display_name", 1...128)
        try validation.check()
        let hash = try await hashPassword(request.password)
        let reader: ReaderRecord
        do {
            reader = try await store.createReader(NewReader(email: email, displayName: request.displayName, passwordHash: hash))
        } catch let error as StorageError where error.code == .conflict {
            throw RPCError(.alreadyExists, "email: an account with this email exists")
        } catch let error as StorageError {
            throw error.rpcError
        }
        let (token, expires) = try await openSession(kind: .reader, accountID: reader.id)
        return SignUpResponse.with {
            $0.reader = Self.message(reader)
            $0.token = token
            $0.expiresAtMs = expires
        }
    }

    /// The metadata key in which a gateway names the address of the end user it calls for.
    public static let clientAddressKey = "x-client-address"

    /// Whose failed logins count together besides the account's: a caller's uid, except for
    /// a gateway. A gateway's calls carry its service key and come from one uid for all its
    /// users, so counting them by uid would let one user's wrong passwords lock every other
    /// user out; they count by the address the gateway names in `x-client-address`, or by
    /// account alone when it names none.
    private func throttlePeer(_ context: ServerContext) async throws -> String? {
        guard let token = try Authenticator.token(context), token.hasPrefix(Authenticator.serviceKeyPrefix) else {
            return "uid:\(context.peer.uid)"
        }
        let key = try await authenticator.serviceKey(token)
        guard let address = context.metadata[Self.clientAddressKey], !address.isEmpty else { return nil }
        return "key:\(key.id):\(address.prefix(64))"
    }

    func login(_ request: LoginRequest, _ context: ServerContext) async throws -> LoginResponse {
        let email = Self.normalize(request.email)
        let kind = request.accountKind == .unspecified ? AccountKind.reader : request.accountKind
        guard kind == .reader || kind == .consultant else {
            throw RPCError(.invalidArgument, "account_kind: must be ACCOUNT_KIND_READER or ACCOUNT_KIND_CONSULTANT")
        }
        let peerKey = try await throttlePeer(context)
        let now = configuration.nowMs()
        let accountKey = "\(kind.rawValue):\(email)"
        // The attempt counts before its password is checked, so attempts sent at once cannot
        // pass the limits together; it stops counting if it succeeds or fails otherwise.
        if let wait = accountThrottle.begin(accountKey, nowMs: now) { throw Self.throttled(wait) }
        if let peerKey, let wait = peerThrottle.begin(peerKey, nowMs: now) {
            accountThrottle.withdraw(accountKey)
            throw Self.throttled(wait)
        }
        let account: (id: Int64, hash: String, suspended: Bool)?
        let verified: Bool
        do {
            if kind == .reader {
                account = try await storage { try await store.reader(email: email) }.map { ($0.id, $0.passwordHash, $0.status == 2) }
            } else {
                account = try await storage { try await store.consultant(email: email) }.map { ($0.id, $0.passwordHash, $0.suspended) }
            }
            // An unknown email is checked against a decoy, so both failures cost the same.
            verified = try await verifyPassword(request.password, hash: account?.hash ?? decoyHash)
        } catch {
            accountThrottle.withdraw(accountKey)
            if let peerKey { peerThrottle.withdraw(peerKey) }
            throw error
        }
        guard let account, verified else { throw RPCError(.unauthenticated, "the email or the password is wrong") }
        accountThrottle.reset(accountKey)
        if let peerKey { peerThrottle.withdraw(peerKey) }
        // Said only to whoever knows the password; a token it could not use would be no answer.
        guard !account.suspended else { throw RPCError(.permissionDenied, "the account is suspended") }
        let (token, expires) = try await openSession(kind: kind, accountID: account.id)
        return LoginResponse.with {
            $0.token = token
            $0.expiresAtMs = expires
            $0.accountKind = kind
            $0.accountID = account.id
        }
    }

    func logout(_ context: ServerContext) async throws -> LogoutResponse {
        guard try Authenticator.token(context) != nil else {
            throw RPCError(.unauthenticated, "the call needs the metadata authorization: Bearer <token>")
        }
        guard let token = try Authenticator.sessionToken(context) else {
            throw RPCError(.permissionDenied, "a service key has no session: send the reader's token in \(Authenticator.readerTokenKey) to log the reader out")
        }
        _ = try await authenticator.authenticate(context)
        _ = try await storage { try await store.revokeSession(tokenHash: Credentials.tokenHash(token), atMs: configuration.nowMs()) }
        authenticator.cache.forget(tokenHash: Credentials.tokenHash(token))
        return LogoutResponse()
    }

    func whoAmI(_ context: ServerContext) async throws -> WhoAmIResponse {
        let principal = try await authenticator.authenticate(context)
        let serviceKeyName = try await authenticator.serviceKeyName(context)
        var expires: Int64 = 0
        if let token = try Authenticator.sessionToken(context) {
            expires = try await storage { try await store.session(tokenHash: Credentials.tokenHash(token)) }?.expiresAtMs ?? 0
        }
        return WhoAmIResponse.with {
            switch principal {
            case .reader(let reader):
                $0.kind = .reader
                $0.account = .reader(Self.message(reader))
            case .consultant(let consultant):
                $0.kind = .consultant
                $0.account = .consultant(Self.message(consultant))
            case .socketOwner:
                $0.kind = .socketOwner
            case .serviceKey:
                $0.kind = .serviceKey
            }
            $0.serviceKeyName = serviceKeyName
            $0.expiresAtMs = expires
        }
    }

    // MARK: Helpers

    private static func throttled(_ waitMs: Int64) -> RPCError {
        RPCError(
            .resourceExhausted, "too many failed logins; retry in \(waitMs) ms",
            details: .with { $0.retryAfterMs = UInt64(waitMs); $0.reason = "LOGIN_THROTTLED" }
        )
    }

    private func openSession(kind: AccountKind, accountID: Int64) async throws -> (String, Int64) {
        let token = Credentials.newToken()
        let now = configuration.nowMs()
        let lifetime = configuration.tokenLifetime.components.seconds * 1000
        let session = SessionRecord(
            tokenHash: Credentials.tokenHash(token), accountKind: Int(kind.rawValue), accountID: accountID,
            createdAtMs: now, expiresAtMs: now + lifetime
        )
        try await storage { try await store.createSession(session) }
        return (token, session.expiresAtMs)
    }

    /// Emails compare without regard to case.
    static func normalize(_ email: String) -> String {
        email.lowercased()
    }

    private func hashPassword(_ password: String) async throws -> String {
        try await Credentials.hashPasswordOffPool(password, strength: configuration.passwordStrength)
    }

    private func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await Credentials.verifyPasswordOffPool(password, hash: hash)
    }

    static func message(_ reader: ReaderRecord) -> Reader {
        Reader.with {
            $0.id = reader.id
            $0.email = reader.email
            $0.displayName = reader.displayName
            $0.status = ReaderStatus(rawValue: Int32(reader.status))
            $0.createdAtMs = reader.createdAtMs
            $0.lastSeenAtMs = reader.lastSeenAtMs
        }
    }

    static func message(_ consultant: ConsultantRecord) -> Consultant {
        Consultant.with {
            $0.id = consultant.id
            $0.email = consultant.email
            $0.displayName = consultant.displayName
            $0.role = ConsultantRole(rawValue: Int32(consultant.role))
            $0.createdAtMs = consultant.createdAtMs
            $0.suspended = consultant.suspended
        }
    }
}
