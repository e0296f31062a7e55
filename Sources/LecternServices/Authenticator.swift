import Glibc
import LecternProtocol
import LecternServer
import LecternStorage

/// Who is calling.
public enum Principal: Sendable, Equatable {
    case reader(ReaderRecord)
    case consultant(ConsultantRecord)
    /// The process owning the socket (same uid as the server), calling with no token.
    case socketOwner(uid: UInt32)
}

/// Turns a call's `authorization: Bearer <token>` into the principal of its session.
public struct Authenticator: Sendable {
    let store: any Store
    let nowMs: @Sendable () -> Int64
    /// The server's own uid: a peer with it and no token is the socket's owner.
    let ownerUID: UInt32

    public init(store: any Store, nowMs: @escaping @Sendable () -> Int64, ownerUID: UInt32 = getuid()) {
        self.store = store
        self.nowMs = nowMs
        self.ownerUID = ownerUID
    }

    /// The bearer token of the call, if it has one.
    static func token(_ context: ServerContext) -> String? {
        guard let value = context.metadata["authorization"], value.hasPrefix("Bearer ") else { return nil }
        let token = value.dropFirst("Bearer ".count)
        return token.isEmpty ? nil : String(token)
    }

    /// The caller's principal.
    /// - Throws: UNAUTHENTICATED for a missing, unknown, expired or revoked token;
    ///   PERMISSION_DENIED for a suspended reader.
    public func authenticate(_ context: ServerContext) async throws -> Principal {
        guard let token = Self.token(context) else {
            if context.peer.uid == ownerUID { return .socketOwner(uid: context.peer.uid) }
            throw RPCError(.unauthenticated, "the call needs the metadata authorization: Bearer <token>")
        }
        let session = try await storage { try await store.session(tokenHash: Credentials.tokenHash(token)) }
        guard let session else { throw RPCError(.unauthenticated, "the token is not valid") }
        guard session.revokedAtMs == 0 else { throw RPCError(.unauthenticated, "the token was revoked (logged out)") }
        guard session.expiresAtMs > nowMs() else { throw RPCError(.unauthenticated, "the token has expired; log in again") }
        switch session.accountKind {
        case 1:
            guard let reader = try await storage({ try await store.reader(id: session.accountID) }) else {
                throw RPCError(.unauthenticated, "the token's account no longer exists")
            }
            guard reader.status != 2 else { throw RPCError(.permissionDenied, "the account is suspended") }
            return .reader(reader)
        case 2:
            guard let consultant = try await storage({ try await store.consultant(id: session.accountID) }) else {
                throw RPCError(.unauthenticated, "the token's account no longer exists")
            }
            return .consultant(consultant)
        default:
            throw RPCError(.unauthenticated, "the token is not valid")
        }
    }
}
