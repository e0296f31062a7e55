import Testing
@testable import LecternStorage

@Suite("Audit log")
struct AuditLogTests {
    @Test("each filter, alone or with others, pages the rows a plain filter of the whole log finds, newest first")
    func filtersPage() async throws {
        try await withTemporaryStore { store, path in
            let actions = ["ConsultantService.GetReader", "AdminService.DeleteReader", "AdminService.Backup"]
            var all: [AuditRecord] = []
            for n in 0..<300 {
                let action = n % 37 == 5 ? actions[1] : n % 11 == 3 ? actions[2] : actions[0]
                all.append(try await store.audit(AuditRecord(
                    actorKind: 1, actorID: Int64(1 + n % 3), action: action, readerID: Int64(n % 4), peerPID: 1, peerUID: 1
                )))
            }
            let filters = [
                AuditFilter(action: actions[1]), AuditFilter(action: actions[2]), AuditFilter(readerID: 2, action: actions[0]),
                AuditFilter(consultantID: 3, action: actions[1]), AuditFilter(consultantID: 2), AuditFilter(),
            ]
            for filter in filters {
                let expected = all.filter {
                    (filter.action.isEmpty || $0.action == filter.action) && (filter.readerID == 0 || $0.readerID == filter.readerID)
                        && (filter.consultantID == 0 || $0.actorID == filter.consultantID)
                }.map(\.id).reversed()
                var found: [Int64] = []
                while true {
                    let page = try await store.auditEntries(filter, beforeID: found.last, limit: 7).map(\.id)
                    found += page
                    if page.count < 7 { break }
                }
                #expect(found == Array(expected), "\(filter)")
            }
            let plan = try inspect(path + "/lectern.db") { try $0.queryPlan(SQL.auditByAction) }
            #expect(plan.contains { $0.contains("USING INDEX audit_action") }, "\(plan)")
        }
    }
}
