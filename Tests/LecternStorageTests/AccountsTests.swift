import Testing
@testable import LecternStorage

@Suite("Accounts and sessions")
struct AccountsTests {
    @Test("readers and consultants are found by id and by email; a taken email is a conflict")
    func accounts() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.createReader(NewReader(email: "r@example.org", displayName: "R", passwordHash: "h1"))
            #expect(try await store.reader(email: "r@example.org") == reader)
            #expect(try await store.reader(email: "nobody@example.org") == nil)
            let consultant = try await store.createConsultant(NewConsultant(email: "c@example.org", displayName: "C", passwordHash: "h2", role: 3))
            #expect(try await store.consultant(id: consultant.id) == consultant)
            #expect(try await store.consultant(email: "c@example.org")?.role == 3)
            do {
                _ = try await store.createConsultant(NewConsultant(email: "c@example.org", displayName: "D", passwordHash: "h", role: 1))
                Issue.record("a second consultant with the same email was created")
            } catch let error as StorageError {
                #expect(error.code == .conflict)
            }
        }
    }

    @Test("a deleted reader's id is never given again, across a reopen too")
    func readerIDsNotReused() async throws {
        try await withTemporaryDirectory { directory in
            let configuration = StoreConfiguration(path: directory + "/l.db")
            var store = try await SQLiteStore.open(configuration)
            let first = try await store.createReader(NewReader(email: "a@example.org", displayName: "A", passwordHash: "h"))
            let newest = try await store.createReader(NewReader(email: "b@example.org", displayName: "B", passwordHash: "h"))
            _ = try await store.deleteReader(id: newest.id)
            let next = try await store.createReader(NewReader(email: "b@example.org", displayName: "B2", passwordHash: "h"))
            #expect(next.id == newest.id + 1)
            _ = try await store.deleteReader(id: next.id)
            _ = try await store.deleteReader(id: first.id)
            await store.close()
            // No reader is left; the highest id given is still known.
            store = try await SQLiteStore.open(configuration)
            #expect(try await store.createReader(NewReader(email: "c@example.org", displayName: "C", passwordHash: "h")).id == next.id + 1)
            await store.close()
        }
    }

    @Test("a session is found by its token hash and revoked once")
    func sessions() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let session = SessionRecord(tokenHash: [1, 2, 3], accountKind: 1, accountID: reader.id, createdAtMs: 10, expiresAtMs: 20)
            try await store.createSession(session)
            #expect(try await store.session(tokenHash: [1, 2, 3]) == session)
            #expect(try await store.session(tokenHash: [9]) == nil)
            #expect(try await store.revokeSession(tokenHash: [1, 2, 3], atMs: 15))
            #expect(try await !store.revokeSession(tokenHash: [1, 2, 3], atMs: 16))
            #expect(try await store.session(tokenHash: [1, 2, 3])?.revokedAtMs == 15)
        }
    }

    @Test("a new session forgets the same account's sessions that expired over a week before; others stay")
    func expiredSessionsGo() async throws {
        try await withTemporaryStore { store, _ in
            let ada = try await store.makeReader(), bob = try await store.makeReader()
            let week = SQLiteStore.expiredSessionsKeptMs, now: Int64 = 100 * week
            func session(_ hash: UInt8, _ reader: ReaderRecord, expires: Int64) -> SessionRecord {
                SessionRecord(tokenHash: [hash], accountKind: 1, accountID: reader.id, createdAtMs: expires - week, expiresAtMs: expires)
            }
            let long = session(1, ada, expires: now - week - 1), recent = session(2, ada, expires: now - week + 1)
            let live = session(3, ada, expires: now + week), bobs = session(4, bob, expires: now - 2 * week)
            for old in [long, recent, live, bobs] { try await store.createSession(old) }
            try await store.createSession(SessionRecord(tokenHash: [5], accountKind: 1, accountID: ada.id, createdAtMs: now, expiresAtMs: now + 4 * week))
            #expect(try await store.session(tokenHash: [1]) == nil)
            for kept in [recent, live, bobs] { #expect(try await store.session(tokenHash: kept.tokenHash) == kept) }
            #expect(try await store.session(tokenHash: [5]) != nil)
        }
    }
}
