import LecternClient
import LecternProtocol
import Testing
@testable import LecternServer

/// Every method of every typed client reaches the server on a path that `Protos/` defines
/// (the server here serves none of them, so each answers UNIMPLEMENTED naming its path).
@Suite("Typed clients")
struct TypedClientTests {
    @Test("every typed client method calls a path of LecternV1.methods, each path once")
    func paths() async throws {
        try await withTestServer { path, _, _, _ in
            let client = RPCClient(socketPath: path)
            let options = CallOptions.bearer("token")
            let auth = AuthClient(client), reader = ReaderClient(client)
            let consultant = ConsultantClient(client), admin = AdminClient(client)
            let calls: [@Sendable () async throws -> Void] = [
                { _ = try await auth.signUp(SignUpRequest()) },
                { _ = try await auth.login(LoginRequest()) },
                { _ = try await auth.logout(options: options) },
                { _ = try await auth.whoAmI(options: options) },
                { _ = try await reader.heartbeat(HeartbeatRequest(), options: options) },
                { _ = try await reader.appendEvents(AppendEventsRequest(), options: options) },
                { _ = try await reader.importEvents(options: options).finish() },
                { _ = try await reader.listMyEvents(ListMyEventsRequest(), options: options) },
                { _ = try await reader.getMyState(options: options) },
                { _ = try await reader.upsertMilestone(UpsertMilestoneRequest(), options: options) },
                { _ = try await reader.listMyMilestones(ListMyMilestonesRequest(), options: options) },
                { _ = try await reader.sendMessage(SendMessageRequest(), options: options) },
                { _ = try await reader.listMyMessages(ListMyMessagesRequest(), options: options) },
                { _ = try await reader.markMessagesRead(MarkMessagesReadRequest(), options: options) },
                { _ = try await consultant.listReaders(ListReadersRequest(), options: options) },
                { _ = try await consultant.listActiveReaders(ListActiveReadersRequest(), options: options) },
                { _ = try await consultant.getReader(GetReaderRequest(), options: options) },
                { _ = try await consultant.listReaderEvents(ListReaderEventsRequest(), options: options) },
                { _ = try await consultant.listReaderMilestones(ListReaderMilestonesRequest(), options: options) },
                { _ = try await consultant.dashboard(DashboardRequest(), options: options) },
                { _ = try await consultant.sendMessage(SendMessageToReaderRequest(), options: options) },
                { _ = try await consultant.listConversation(ListConversationRequest(), options: options) },
                { for try await _ in try await consultant.watch(WatchRequest(), options: options) {} },
                { _ = try await admin.createConsultant(CreateConsultantRequest()) },
                { _ = try await admin.setConsultantRole(SetConsultantRoleRequest()) },
                { _ = try await admin.createServiceKey(CreateServiceKeyRequest()) },
                { _ = try await admin.revokeServiceKey(RevokeServiceKeyRequest()) },
                { _ = try await admin.suspendReader(SuspendReaderRequest()) },
                { _ = try await admin.suspendConsultant(SuspendConsultantRequest()) },
                { _ = try await admin.listConsultants(ListConsultantsRequest()) },
                { _ = try await admin.deleteReader(DeleteReaderRequest()) },
                { _ = try await admin.listAuditLog(ListAuditLogRequest()) },
                { for try await _ in try await admin.backup(BackupRequest()) {} },
                { _ = try await admin.stats() },
                { _ = try await admin.checkpoint(CheckpointRequest()) },
                { _ = try await admin.archiveEvents(ArchiveEventsRequest()) },
                { _ = try await HealthClient(client).check() },
                { for try await _ in try await HealthClient(client).watch() {} },
            ]
            var reached: [String] = []
            for call in calls {
                do {
                    try await call()
                    Issue.record("a method the test server does not serve answered")
                } catch let error as RPCError {
                    #expect(error.code == .unimplemented)
                    if let path = error.message.split(separator: " ").first(where: { $0.hasPrefix("/lectern.v1.") }) {
                        reached.append(String(path))
                    }
                }
            }
            #expect(reached.sorted() == LecternV1.methods.map(\.path).sorted())
            await client.close()
        }
    }
}
