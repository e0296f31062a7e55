import LecternProtocol

/// `lectern.v1.ReaderService`, by hand from Protos/lectern/v1/reader.proto. Every call acts
/// for the reader of the token in `options`.
public struct ReaderClient: Sendable {
    public let client: RPCClient
    public init(_ client: RPCClient) { self.client = client }

    private static func path(_ name: String) -> String { "/lectern.v1.ReaderService/\(name)" }

    public func heartbeat(_ request: HeartbeatRequest, options: CallOptions) async throws -> HeartbeatResponse {
        try await client.unary(Self.path("Heartbeat"), request, options: options)
    }

    public func appendEvents(_ request: AppendEventsRequest, options: CallOptions) async throws -> AppendEventsResponse {
        try await client.unary(Self.path("AppendEvents"), request, options: options)
    }

    /// Streams batches of events; `finish()` on the call gives the counts.
    public func importEvents(options: CallOptions) async throws -> ClientStreamingCall<AppendEventsRequest, ImportEventsResponse> {
        try await client.clientStreaming(Self.path("ImportEvents"), options: options)
    }

    public func listMyEvents(_ request: ListMyEventsRequest, options: CallOptions) async throws -> ListMyEventsResponse {
        try await client.unary(Self.path("ListMyEvents"), request, options: options)
    }

    public func getMyState(options: CallOptions) async throws -> GetMyStateResponse {
        try await client.unary(Self.path("GetMyState"), GetMyStateRequest(), options: options)
    }

    public func upsertMilestone(_ request: UpsertMilestoneRequest, options: CallOptions) async throws -> UpsertMilestoneResponse {
        try await client.unary(Self.path("UpsertMilestone"), request, options: options)
    }

    public func listMyMilestones(_ request: ListMyMilestonesRequest, options: CallOptions) async throws -> ListMyMilestonesResponse {
        try await client.unary(Self.path("ListMyMilestones"), request, options: options)
    }

    public func sendMessage(_ request: SendMessageRequest, options: CallOptions) async throws -> SendMessageResponse {
        try await client.unary(Self.path("SendMessage"), request, options: options)
    }

    public func listMyMessages(_ request: ListMyMessagesRequest, options: CallOptions) async throws -> ListMyMessagesResponse {
        try await client.unary(Self.path("ListMyMessages"), request, options: options)
    }

    public func markMessagesRead(_ request: MarkMessagesReadRequest, options: CallOptions) async throws -> MarkMessagesReadResponse {
        try await client.unary(Self.path("MarkMessagesRead"), request, options: options)
    }
}
