import Testing
@testable import LecternStorage

/// Every statement the store prepares is in `SQL.all` (debug builds enforce it); none may
/// scan a large table or sort one in a temporary b-tree.
@Suite("Query plans")
struct QueryPlanTests {
    /// Scans that are fine: the migrations table, the schema itself (read once at open),
    /// and json_each, which reads a bound list (the event types of a filter), not a table.
    static let smallTables: Set<String> = ["schema_migrations", "sqlite_schema", "json_each", "CONSTANT"]
    /// Statements that may sort, each bounded by its matches rather than its table.
    static let sortsAllowed: [String: String] = [
        "readersByPrefix": "sorts the readers whose email or name has the prefix, by id",
        "readersByPrefixInWindow": "sorts the matches among the next 2,000 readers, by id",
    ]
    /// Statements that scan a subquery, each bounded by the subquery's LIMIT.
    static let subqueryScansAllowed: [String: String] = [
        "readersByPrefixInWindow": "the next 2,000 readers in id order",
        "readersAfterCount": "counts at most 2,000 readers",
    ]

    @Test("no statement scans a large table", arguments: SQL.all.map(\.name))
    func noFullScan(name: String) async throws {
        let sql = try #require(SQL.all.first { $0.name == name }?.sql)
        try await withTemporaryStore { store, path in
            let plan = try inspect(path + "/lectern.db") { try $0.queryPlan(sql) }
            for step in plan {
                let words = step.split(separator: " ")
                if words.first == "SCAN", let table = words.dropFirst().first {
                    let bounded = table.hasPrefix("(subquery") && Self.subqueryScansAllowed[name] != nil
                    #expect(Self.smallTables.contains(String(table)) || bounded, "\(name): \(step)")
                }
                if step.hasPrefix("USE TEMP B-TREE") {
                    #expect(sql.contains("schema_migrations") || Self.sortsAllowed[name] != nil, "\(name): \(step)")
                }
            }
        }
    }

    @Test("the plan check catches a full scan")
    func detectsScan() async throws {
        try await withTemporaryStore { _, path in
            let plan = try inspect(path + "/lectern.db") { try $0.queryPlan("SELECT * FROM events WHERE type = ?") }
            #expect(plan.contains { $0.hasPrefix("SCAN events") })
        }
    }
}
