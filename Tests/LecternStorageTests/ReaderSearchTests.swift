import Testing
@testable import LecternStorage

@Suite("Reader search")
struct ReaderSearchTests {
    @Test("a prefix of the email or display name finds readers in id order, a page at a time, ignoring ASCII case")
    func prefix() async throws {
        try await withTemporaryStore { store, _ in
            var ids: [Int64] = []
            for (email, name) in [("ada@example.org", "Ada"), ("adel@example.org", "Zed"), ("bob@example.org", "Adam")] {
                ids.append(try await store.createReader(NewReader(email: email, displayName: name, passwordHash: "x")).id)
            }
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "ad", limit: 10).map(\.id) == ids)
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "ad", limit: 1).map(\.id) == [ids[0]])
            #expect(try await store.readers(afterID: ids[0], status: 0, prefix: "ad", limit: 1).map(\.id) == [ids[1]])
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "zE", limit: 10).map(\.id) == [ids[1]])
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "adam", limit: 10).map(\.id) == [ids[2]])
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "c", limit: 10).isEmpty)
        }
    }

    @Test("an email prefix in capitals finds the email, which is stored in lower case")
    func emailPrefixIgnoresCase() async throws {
        try await withTemporaryStore { store, _ in
            let bob = try await store.createReader(NewReader(email: "bob@example.org", displayName: "Robert", passwordHash: "x"))
            #expect(try await store.readers(afterID: 0, status: 0, prefix: "BOB@", limit: 10).map(\.id) == [bob.id])
        }
    }

    @Test("a status lists its readers in id order, a page at a time, through the status index")
    func byStatus() async throws {
        try await withTemporaryStore { store, path in
            var suspended: [Int64] = []
            for n in 0..<30 {
                let reader = try await store.makeReader("r\(n)")
                if n % 7 == 3 {
                    _ = try await store.setReaderStatus(id: reader.id, status: 2)
                    suspended.append(reader.id)
                }
            }
            let first = try await store.readers(afterID: 0, status: 2, prefix: "", limit: 2).map(\.id)
            let rest = try await store.readers(afterID: first.last ?? 0, status: 2, prefix: "", limit: 10).map(\.id)
            #expect(first + rest == suspended)
            #expect(try await store.readers(afterID: 0, status: 1, prefix: "", limit: 100).count == 30 - suspended.count)
            let plan = try inspect(path + "/lectern.db") { try $0.queryPlan(SQL.readersWithStatus) }
            #expect(plan.contains { $0.contains("USING INDEX readers_status") }, "\(plan)")
        }
    }

    /// Every page of a search, from the start.
    private func allPages(_ store: SQLiteStore, prefix: String, status: Int = 0, limit: Int) async throws -> [Int64] {
        var ids: [Int64] = []
        while true {
            let page = try await store.readers(afterID: ids.last ?? 0, status: status, prefix: prefix, limit: limit).map(\.id)
            ids += page
            if page.count < limit { return ids }
        }
    }

    @Test("a prefix common among the next readers and one rare among them page the same as a filter of every reader")
    func commonAndRarePrefixes() async throws {
        try await withTemporaryStore { store, _ in
            // More readers than the search's window, with a rare prefix past it.
            let count = SQLiteStore.searchWindow + 300
            let names = (0..<count).map { $0 % 700 == 699 ? "Zed \($0)" : "Reader \($0)" }
            let made = try await withThrowingTaskGroup(of: ReaderRecord.self) { group in
                for name in names {
                    group.addTask {
                        try await store.createReader(NewReader(email: name.lowercased().replacingOccurrences(of: " ", with: "") + "@example.org", displayName: name, passwordHash: "x"))
                    }
                }
                return try await group.reduce(into: [ReaderRecord]()) { $0.append($1) }
            }.sorted { $0.id < $1.id }
            func expected(_ prefix: String) -> [Int64] {
                made.filter { $0.email.hasPrefix(prefix.lowercased()) || $0.displayName.lowercased().hasPrefix(prefix.lowercased()) }.map(\.id)
            }
            #expect(expected("z").count == count / 700)
            for prefix in ["z", "ZED", "r", "Reader 1", "reader19"] {
                #expect(try await allPages(store, prefix: prefix, limit: 50) == expected(prefix), "\(prefix)")
            }
            #expect(try await allPages(store, prefix: "r", limit: 7).count == count - count / 700)
        }
    }
}
