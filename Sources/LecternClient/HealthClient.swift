import LecternProtocol

/// `lectern.v1.HealthService`, by hand from Protos/lectern/v1/health.proto.
public struct HealthClient: Sendable {
    public static let check = "/lectern.v1.HealthService/Check"
    public static let watch = "/lectern.v1.HealthService/Watch"

    public let client: RPCClient

    public init(_ client: RPCClient) { self.client = client }

    /// Whether `service` (the whole server when empty) is serving.
    public func check(service: String = "", options: CallOptions = CallOptions()) async throws -> HealthCheckResponse {
        try await client.unary(Self.check, HealthCheckRequest.with { $0.service = service }, as: HealthCheckResponse.self, options: options)
    }

    /// The status now, then each change.
    public func watch(service: String = "", options: CallOptions = CallOptions()) async throws -> ResponseStream<HealthCheckResponse> {
        try await client.serverStreaming(Self.watch, HealthCheckRequest.with { $0.service = service }, as: HealthCheckResponse.self, options: options)
    }
}
