import LecternProtocol

/// `lectern.v1.ConsultantService`, by hand from Protos/lectern/v1/consultant.proto.
public struct ConsultantClient: Sendable {
    public let client: RPCClient
    public init(_ client: RPCClient) { self.client = client }

    private static func path(_ name: String) -> String { "/lectern.v1.ConsultantService/\(name)" }

    public func listReaders(_ request: ListReadersRequest, options: CallOptions) async throws -> ListReadersResponse {
        try await client.unary(Self.path("ListReaders"), request, options: options)
    }

    public func listActiveReaders(_ request: ListActiveReadersRequest, options: CallOptions) async throws -> ListActiveReadersResponse {
        try await client.unary(Self.path("ListActiveReaders"), request, options: options)
    }

    public func getReader(_ request: GetReaderRequest, options: CallOptions) async throws -> GetReaderResponse {
        try await client.unary(Self.path("GetReader"), request, options: options)
    }

    public func listReaderEvents(_ request: ListReaderEventsRequest, options: CallOptions) async throws -> ListReaderEventsResponse {
        try await client.unary(Self.path("ListReaderEvents"), request, options: options)
    }

    public func listReaderMilestones(_ request: ListReaderMilestonesRequest, options: CallOptions) async throws -> ListReaderMilestonesResponse {
        try await client.unary(Self.path("ListReaderMilestones"), request, options: options)
    }

    public func dashboard(_ request: DashboardRequest, options: CallOptions) async throws -> DashboardResponse {
        try await client.unary(Self.path("Dashboard"), request, options: options)
    }

    public func sendMessage(_ request: SendMessageToReaderRequest, options: CallOptions) async throws -> SendMessageToReaderResponse {
        try await client.unary(Self.path("SendMessage"), request, options: options)
    }

    public func listConversation(_ request: ListConversationRequest, options: CallOptions) async throws -> ListConversationResponse {
        try await client.unary(Self.path("ListConversation"), request, options: options)
    }

    /// The live activity stream; ends with RESOURCE_EXHAUSTED when the consumer falls behind.
    public func watch(_ request: WatchRequest, options: CallOptions) async throws -> ResponseStream<ActivityUpdate> {
        try await client.serverStreaming(Self.path("Watch"), request, options: options)
    }
}
