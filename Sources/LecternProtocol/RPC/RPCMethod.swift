/// One RPC of `Protos/`: its path, message types and shape. The server's router and the
/// typed clients use these, and a test compares them with the services `protoc` compiles.
public struct RPCMethod: Sendable {
    public enum Kind: Sendable, Equatable {
        case unary, serverStreaming, clientStreaming
    }

    /// "/lectern.v1.ReaderService/AppendEvents".
    public let path: String
    public let request: any ProtoMessage.Type
    public let response: any ProtoMessage.Type
    public let kind: Kind

    public init(_ service: String, _ name: String, _ request: any ProtoMessage.Type, _ response: any ProtoMessage.Type, _ kind: Kind = .unary) {
        path = "/lectern.v1.\(service)/\(name)"
        self.request = request
        self.response = response
        self.kind = kind
    }
}

extension LecternV1 {
    /// Every RPC of every service in `Protos/lectern/v1`.
    public static let methods: [RPCMethod] = [
        .init("AuthService", "SignUp", SignUpRequest.self, SignUpResponse.self),
        .init("AuthService", "Login", LoginRequest.self, LoginResponse.self),
        .init("AuthService", "Logout", LogoutRequest.self, LogoutResponse.self),
        .init("AuthService", "WhoAmI", WhoAmIRequest.self, WhoAmIResponse.self),

        .init("ReaderService", "Heartbeat", HeartbeatRequest.self, HeartbeatResponse.self),
        .init("ReaderService", "AppendEvents", AppendEventsRequest.self, AppendEventsResponse.self),
        .init("ReaderService", "ImportEvents", AppendEventsRequest.self, ImportEventsResponse.self, .clientStreaming),
        .init("ReaderService", "ListMyEvents", ListMyEventsRequest.self, ListMyEventsResponse.self),
        .init("ReaderService", "GetMyState", GetMyStateRequest.self, GetMyStateResponse.self),
        .init("ReaderService", "UpsertMilestone", UpsertMilestoneRequest.self, UpsertMilestoneResponse.self),
        .init("ReaderService", "ListMyMilestones", ListMyMilestonesRequest.self, ListMyMilestonesResponse.self),
        .init("ReaderService", "SendMessage", SendMessageRequest.self, SendMessageResponse.self),
        .init("ReaderService", "ListMyMessages", ListMyMessagesRequest.self, ListMyMessagesResponse.self),
        .init("ReaderService", "MarkMessagesRead", MarkMessagesReadRequest.self, MarkMessagesReadResponse.self),

        .init("ConsultantService", "ListReaders", ListReadersRequest.self, ListReadersResponse.self),
        .init("ConsultantService", "ListActiveReaders", ListActiveReadersRequest.self, ListActiveReadersResponse.self),
        .init("ConsultantService", "GetReader", GetReaderRequest.self, GetReaderResponse.self),
        .init("ConsultantService", "ListReaderEvents", ListReaderEventsRequest.self, ListReaderEventsResponse.self),
        .init("ConsultantService", "ListReaderMilestones", ListReaderMilestonesRequest.self, ListReaderMilestonesResponse.self),
        .init("ConsultantService", "Dashboard", DashboardRequest.self, DashboardResponse.self),
        .init("ConsultantService", "SendMessage", SendMessageToReaderRequest.self, SendMessageToReaderResponse.self),
        .init("ConsultantService", "ListConversation", ListConversationRequest.self, ListConversationResponse.self),
        .init("ConsultantService", "Watch", WatchRequest.self, ActivityUpdate.self, .serverStreaming),

        .init("AdminService", "CreateConsultant", CreateConsultantRequest.self, CreateConsultantResponse.self),
        .init("AdminService", "SetConsultantRole", SetConsultantRoleRequest.self, SetConsultantRoleResponse.self),
        .init("AdminService", "CreateServiceKey", CreateServiceKeyRequest.self, CreateServiceKeyResponse.self),
        .init("AdminService", "RevokeServiceKey", RevokeServiceKeyRequest.self, RevokeServiceKeyResponse.self),
        .init("AdminService", "SuspendReader", SuspendReaderRequest.self, SuspendReaderResponse.self),
        .init("AdminService", "SuspendConsultant", SuspendConsultantRequest.self, SuspendConsultantResponse.self),
        .init("AdminService", "ListConsultants", ListConsultantsRequest.self, ListConsultantsResponse.self),
        .init("AdminService", "DeleteReader", DeleteReaderRequest.self, DeleteReaderResponse.self),
        .init("AdminService", "ListAuditLog", ListAuditLogRequest.self, ListAuditLogResponse.self),
        .init("AdminService", "Backup", BackupRequest.self, BackupProgress.self, .serverStreaming),
        .init("AdminService", "Stats", StatsRequest.self, StatsResponse.self),
        .init("AdminService", "Checkpoint", CheckpointRequest.self, CheckpointResponse.self),
        .init("AdminService", "ArchiveEvents", ArchiveEventsRequest.self, ArchiveEventsResponse.self),

        .init("HealthService", "Check", HealthCheckRequest.self, HealthCheckResponse.self),
        .init("HealthService", "Watch", HealthCheckRequest.self, HealthCheckResponse.self, .serverStreaming),
    ]
}
