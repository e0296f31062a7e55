/// The package `lectern.v1` of `Protos/`: every message and enum this module encodes.
public enum LecternV1 {
    /// Every message type, one per `.proto` message.
    public static let messageTypes: [any ProtoMessage.Type] = [
        // rpc.proto
        CallStart.self, CallEnd.self, ErrorDetails.self, FieldViolation.self, Cancel.self, GoAway.self, Ping.self,
        // common.proto
        Reader.self, Consultant.self, EventInput.self, Event.self, ReaderState.self, Milestone.self,
        ChatMessage.self, PresenceChange.self,
        // auth.proto
        SignUpRequest.self, SignUpResponse.self, LoginRequest.self, LoginResponse.self,
        LogoutRequest.self, LogoutResponse.self, WhoAmIRequest.self, WhoAmIResponse.self,
        // reader.proto
        HeartbeatRequest.self, HeartbeatResponse.self, AppendEventsRequest.self, EventResult.self,
        AppendEventsResponse.self, ImportEventsResponse.self, ListMyEventsRequest.self, ListMyEventsResponse.self,
        GetMyStateRequest.self, GetMyStateResponse.self, UpsertMilestoneRequest.self, UpsertMilestoneResponse.self,
        ListMyMilestonesRequest.self, ListMyMilestonesResponse.self, SendMessageRequest.self, SendMessageResponse.self,
        ListMyMessagesRequest.self, ListMyMessagesResponse.self, MarkMessagesReadRequest.self, MarkMessagesReadResponse.self,
        // consultant.proto
        ListReadersRequest.self, ListReadersResponse.self, ListActiveReadersRequest.self, ActiveReader.self,
        ListActiveReadersResponse.self, GetReaderRequest.self, GetReaderResponse.self,
        ListReaderEventsRequest.self, ListReaderEventsResponse.self,
        ListReaderMilestonesRequest.self, ListReaderMilestonesResponse.self, DashboardRequest.self, DashboardResponse.self,
        SendMessageToReaderRequest.self, SendMessageToReaderResponse.self,
        ListConversationRequest.self, ListConversationResponse.self, WatchRequest.self, CaughtUp.self, ActivityUpdate.self,
        // admin.proto
        CreateConsultantRequest.self, CreateConsultantResponse.self, SetConsultantRoleRequest.self,
        SetConsultantRoleResponse.self, ServiceKey.self, CreateServiceKeyRequest.self, CreateServiceKeyResponse.self,
        RevokeServiceKeyRequest.self, RevokeServiceKeyResponse.self, SuspendReaderRequest.self, SuspendReaderResponse.self,
        SuspendConsultantRequest.self, SuspendConsultantResponse.self, ListConsultantsRequest.self, ListConsultantsResponse.self,
        DeleteReaderRequest.self, DeleteReaderResponse.self, AuditEntry.self, ListAuditLogRequest.self,
        ListAuditLogResponse.self, BackupRequest.self, BackupProgress.self, LatencySummary.self,
        StatsRequest.self, StatsResponse.self, CheckpointRequest.self, CheckpointResponse.self,
        ArchiveEventsRequest.self, ArchiveEventsResponse.self,
        // health.proto
        HealthCheckRequest.self, HealthCheckResponse.self,
    ]

    /// Every enum type, one per `.proto` enum.
    public static let enumTypes: [any ProtoEnum.Type] = [
        AccountKind.self, ConsultantRole.self, ReaderStatus.self, MilestoneStatus.self, MessageDirection.self,
        PrincipalKind.self, ActivityKind.self, ActorKind.self, CheckpointMode.self, ServingStatus.self,
    ]
}
