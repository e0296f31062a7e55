import Glibc
import LecternProtocol
import LecternServer
import LecternStorage

/// Who is calling.
public enum Principal: Sendable, Equatable {
    /// A reader, by its own token or through a gateway's service key.
    case reader(ReaderRecord)
    /// A gateway's service key acting for no reader: it may sign readers up and log them in.
    case serviceKey(ServiceKeyRecord)
    case consultant(ConsultantRecord)
    /// The process owning the socket (same uid as the server), calling with no token.
    case socketOwner(uid: UInt32)
}

/// Turns a call's `authorization: Bearer <token>` into the principal of its session.
///
/// A gateway sends `authorization: Bearer <service key secret>` and, to act for a reader,
/// the reader's token in `x-reader-token`: the call is then the reader's.
public struct Authenticator: Sendable {
    /// Service key secrets start with this, so they are never looked up as session tokens.
    public static let serviceKeyPrefix = "lsk_"
    /// The metadata key a gateway puts the reader's token in.
    public static let readerTokenKey = "x-reader-token"

    let store: any Store
    let nowMs: @Sendable () -> Int64
    /// The server's own uid: a peer with it and no token is the socket's owner.
    let ownerUID: UInt32
    /// Valid sessions and keys seen lately; the services drop entries that a change makes wrong.
    let cache = SessionCache()

    public init(store: any Store, nowMs: @escaping @Sendable () -> Int64, ownerUID: UInt32 = getuid()) {
        self.store = store
        self.nowMs = nowMs
        self.ownerUID = ownerUID
    }

    /// The bearer token of the call; nil when the call carries no `authorization`.
    /// - Throws: UNAUTHENTICATED when `authorization` is there but not `Bearer <token>`
    ///   (the scheme in any case): a call that presents a token, even a mangled one, never
    ///   falls back to the rights of the socket's owner.
    static func token(_ context: ServerContext) throws -> String? {
        guard let value = context.metadata["authorization"] else { return nil }
        // On the UTF-8 bytes: every call passes here, and splitting by Character costs 6 % of a GetMyState.
        let bytes = value.utf8, space = UInt8(ascii: " ")
        let scheme = bytes.prefix { $0 != space }
        let tokenStart = bytes[scheme.endIndex...].firstIndex { $0 != space } ?? bytes.endIndex
        let token = bytes[tokenStart...]
        guard scheme.elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 }), tokenStart > scheme.endIndex,
              !token.isEmpty, !token.contains(space)
        else {
            throw RPCError(.unauthenticated, "authorization: expected Bearer <token>")
        }
        return String(value[tokenStart...])
    }

    /// The session token of the call: the bearer token, or the reader's token a gateway
    /// passed along with its service key.
    static func sessionToken(_ context: ServerContext) throws -> String? {
        guard let token = try token(context) else { return nil }
        guard token.hasPrefix(serviceKeyPrefix) else { return token }
        return context.metadata[readerTokenKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The caller's principal.
    /// - Throws: UNAUTHENTICATED for a missing, unknown, expired or revoked token or
    ///   service key; PERMISSION_DENIED for a suspended reader.
    public func authenticate(_ context: ServerContext) async throws -> Principal {
        guard let token = try Self.token(context) else {
            if context.peer.uid == ownerUID { return .socketOwner(uid: context.peer.uid) }
            throw RPCError(.unauthenticated, "the call needs the metadata authorization: Bearer <token>")
        }
        guard token.hasPrefix(Self.serviceKeyPrefix) else { return try await session(token) }
        let key = try await serviceKey(token)
        guard let readerToken = context.metadata[Self.readerTokenKey], !readerToken.isEmpty else { return .serviceKey(key) }
        let principal = try await session(readerToken)
        guard case .reader = principal else {
            throw RPCError(.permissionDenied, "\(Self.readerTokenKey): a service key acts only for readers")
        }
        return principal
    }

    /// The valid service key whose secret is `token`.
    /// - Throws: UNAUTHENTICATED for an unknown or revoked key.
    func serviceKey(_ token: String) async throws -> ServiceKeyRecord {
        let hash = Credentials.tokenHash(token)
        var key = cache.serviceKey(hash, nowMs: nowMs())
        if key == nil {
            let generation = cache.generation
            key = try await storage { try await store.serviceKey(keyHash: hash) }
            if let key, key.revokedAtMs == 0 { cache.keep(serviceKey: key, hash, nowMs: nowMs(), readAt: generation) }
        }
        guard let key else { throw RPCError(.unauthenticated, "the service key is not valid") }
        guard key.revokedAtMs == 0 else { throw RPCError(.unauthenticated, "the service key was revoked") }
        return key
    }

    /// The name of the service key the call carries, if it carries one.
    func serviceKeyName(_ context: ServerContext) async throws -> String {
        guard let token = try Self.token(context), token.hasPrefix(Self.serviceKeyPrefix) else { return "" }
        return try await serviceKey(token).name
    }

    private func session(_ token: String) async throws -> Principal {
        let hash = Credentials.tokenHash(token)
        let now = nowMs()
        if let cached = cache.session(hash, nowMs: now) {
            guard cached.session.expiresAtMs > now else { throw RPCError(.unauthenticated, "the token has expired; log in again") }
            return cached.principal
        }
        let generation = cache.generation
        let (session, principal) = try await lookUp(hash)
        cache.keep(hash, SessionCache.Entry(session: session, principal: principal, cachedAtMs: now), readAt: generation)
        return principal
    }

    /// A valid session and its account, from the store.
    private func lookUp(_ hash: [UInt8]) async throws -> (SessionRecord, Principal) {
        let session = try await storage { try await store.session(tokenHash: hash) }
        guard let session else { throw RPCError(.unauthenticated, "the token is not valid") }
        guard session.revokedAtMs == 0 else { throw RPCError(.unauthenticated, "the token was revoked (logged out)") }
        guard session.expiresAtMs > nowMs() else { throw RPCError(.unauthenticated, "the token has expired; log in again") }
        switch session.accountKind {
        case 1:
            guard let reader = try await storage({ try await store.reader(id: session.accountID) }) else {
                throw RPCError(.unauthenticated, "the token's account no longer exists")
            }
            guard reader.status != 2 else { throw RPCError(.permissionDenied, "the account is suspended") }
            return (session, .reader(reader))
        case 2:
            guard let consultant = try await storage({ try await store.consultant(id: session.accountID) }) else {
                throw RPCError(.unauthenticated, "the token's account no longer exists")
            }
            guard !consultant.suspended else { throw RPCError(.permissionDenied, "the account is suspended") }
            return (session, .consultant(consultant))
        default:
            throw RPCError(.unauthenticated, "the token is not valid")
        }
    }
}
