import LecternProtocol

/// `lectern.v1.AdminService`, by hand from Protos/lectern/v1/admin.proto.
public struct AdminClient: Sendable {
    public let client: RPCClient
    public init(_ client: RPCClient) { self.client = client }

    private static func path(_ name: String) -> String { "/lectern.v1.AdminService/\(name)" }

    public func createConsultant(_ request: CreateConsultantRequest, options: CallOptions = CallOptions()) async throws -> CreateConsultantResponse {
        try await client.unary(Self.path("CreateConsultant"), request, options: options)
    }

    public func setConsultantRole(_ request: SetConsultantRoleRequest, options: CallOptions = CallOptions()) async throws -> SetConsultantRoleResponse {
        try await client.unary(Self.path("SetConsultantRole"), request, options: options)
    }

    public func createServiceKey(_ request: CreateServiceKeyRequest, options: CallOptions = CallOptions()) async throws -> CreateServiceKeyResponse {
        try await client.unary(Self.path("CreateServiceKey"), request, options: options)
    }

    public func revokeServiceKey(_ request: RevokeServiceKeyRequest, options: CallOptions = CallOptions()) async throws -> RevokeServiceKeyResponse {
        try await client.unary(Self.path("RevokeServiceKey"), request, options: options)
    }

    public func suspendReader(_ request: SuspendReaderRequest, options: CallOptions = CallOptions()) async throws -> SuspendReaderResponse {
        try await client.unary(Self.path("SuspendReader"), request, options: options)
    }

    public func listConsultants(_ request: ListConsultantsRequest, options: CallOptions = CallOptions()) async throws -> ListConsultantsResponse {
        try await client.unary(Self.path("ListConsultants"), request, options: options)
    }

    public func suspendConsultant(_ request: SuspendConsultantRequest, options: CallOptions = CallOptions()) async throws -> SuspendConsultantResponse {
        try await client.unary(Self.path("SuspendConsultant"), request, options: options)
    }

    public func deleteReader(_ request: DeleteReaderRequest, options: CallOptions = CallOptions()) async throws -> DeleteReaderResponse {
        try await client.unary(Self.path("DeleteReader"), request, options: options)
    }

    public func listAuditLog(_ request: ListAuditLogRequest, options: CallOptions = CallOptions()) async throws -> ListAuditLogResponse {
        try await client.unary(Self.path("ListAuditLog"), request, options: options)
    }

    /// Progress of an online backup, step by step; the last message has `done`.
    public func backup(_ request: BackupRequest, options: CallOptions = CallOptions()) async throws -> ResponseStream<BackupProgress> {
        try await client.serverStreaming(Self.path("Backup"), request, options: options)
    }

    public func stats(options: CallOptions = CallOptions()) async throws -> StatsResponse {
        try await client.unary(Self.path("Stats"), StatsRequest(), options: options)
    }

    public func checkpoint(_ request: CheckpointRequest, options: CallOptions = CallOptions()) async throws -> CheckpointResponse {
        try await client.unary(Self.path("Checkpoint"), request, options: options)
    }

    public func archiveEvents(_ request: ArchiveEventsRequest, options: CallOptions = CallOptions()) async throws -> ArchiveEventsResponse {
        try await client.unary(Self.path("ArchiveEvents"), request, options: options)
    }
}
