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
}
