import LecternProtocol

/// `lectern.v1.AuthService`, by hand from Protos/lectern/v1/auth.proto.
public struct AuthClient: Sendable {
    public let client: RPCClient
    public init(_ client: RPCClient) { self.client = client }

    private static func path(_ name: String) -> String { "/lectern.v1.AuthService/\(name)" }

    public func signUp(_ request: SignUpRequest, options: CallOptions = CallOptions()) async throws -> SignUpResponse {
        try await client.unary(Self.path("SignUp"), request, options: options)
    }

    public func login(_ request: LoginRequest, options: CallOptions = CallOptions()) async throws -> LoginResponse {
        try await client.unary(Self.path("Login"), request, options: options)
    }

    public func logout(options: CallOptions) async throws -> LogoutResponse {
        try await client.unary(Self.path("Logout"), LogoutRequest(), options: options)
    }

    public func whoAmI(options: CallOptions) async throws -> WhoAmIResponse {
        try await client.unary(Self.path("WhoAmI"), WhoAmIRequest(), options: options)
    }
}

extension CallOptions {
    /// Options carrying `authorization: Bearer <token>`.
    public static func bearer(_ token: String, timeout: Duration? = nil) -> CallOptions {
        CallOptions(timeout: timeout, metadata: ["authorization": "Bearer \(token)"])
    }
}
