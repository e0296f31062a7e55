import Foundation
import LecternClient
import LecternProtocol
import LecternStorage
import Testing
@testable import LecternServices

@Suite("ConsultantService over a real socket")
struct ConsultantServiceTests {
    private func consultant(_ auth: AuthClient, _ store: SQLiteStore, _ name: String, role: Int) async throws -> CallOptions {
        let hash = try Credentials.hashPassword("password \(name)", strength: .minimum)
        _ = try await store.createConsultant(NewConsultant(email: "\(name)@staff.org", displayName: name, passwordHash: hash, role: role))
        return .bearer(try await auth.login(.with {
            $0.email = "\(name)@staff.org"; $0.password = "password \(name)"; $0.accountKind = .consultant
        }).token)
    }

    private func reader(_ auth: AuthClient, _ name: String) async throws -> (CallOptions, Int64) {
        let response = try await auth.signUp(.with { $0.email = "\(name)@example.org"; $0.password = "password \(name)"; $0.displayName = name })
        return (.bearer(response.token), response.reader?.id ?? 0)
    }

    @Test("a consultant reads a reader's history; every look leaves an audit row naming who, what, whom and from where")
    func auditedReads() async throws {
        try await withAuthServer { auth, store, _ in
            let consultants = ConsultantClient(auth.client), readers = ReaderClient(auth.client)
            let viewer = try await consultant(auth, store, "vic", role: 1)
            let (ada, adaID) = try await reader(auth, "ada")
            _ = try await readers.appendEvents(.with {
                $0.events = (1...3).map { (n: UInt64) in EventInput.with { $0.clientSessionID = "t"; $0.sequence = n; $0.type = "page_view" } }
            }, options: ada)
            let got = try await consultants.getReader(.with { $0.readerID = adaID }, options: viewer)
            #expect(got.reader?.email == "ada@example.org" && got.state?.eventCount == 3)
            let page = try await consultants.listReaderEvents(.with { $0.readerID = adaID; $0.pageSize = 2 }, options: viewer)
            #expect(page.events.map(\.sequence) == [3, 2] && !page.nextPageToken.isEmpty)
            let audit = try await store.auditEntries(AuditFilter(readerID: adaID), beforeID: nil, limit: 10)
            #expect(audit.map(\.action) == ["ConsultantService.ListReaderEvents", "ConsultantService.GetReader"])
            #expect(audit.allSatisfy { $0.actorKind == 1 && $0.peerPID == getpid() && $0.peerUID == getuid() && $0.atMs > 0 })
            // A cursor for Ada's history does not page Bob's.
            let (_, bobID) = try await reader(auth, "bob")
            #expect(await status { _ = try await consultants.listReaderEvents(.with { $0.readerID = bobID; $0.pageToken = page.nextPageToken }, options: viewer) } == .invalidArgument)
            #expect(await status { _ = try await consultants.getReader(.with { $0.readerID = 999_999 }, options: viewer) } == .notFound)
            #expect(await status { _ = try await consultants.listReaderEvents(.with { $0.readerID = 999_999 }, options: viewer) } == .notFound)
            // A look at no reader is refused before its audit row is written.
            #expect(try await store.auditEntries(AuditFilter(readerID: 999_999), beforeID: nil, limit: 10).isEmpty)
        }
    }

    @Test("messaging takes the supervisor role; the reader reads the message and marks it read")
    func messaging() async throws {
        try await withAuthServer { auth, store, _ in
            let consultants = ConsultantClient(auth.client), readers = ReaderClient(auth.client)
            let viewer = try await consultant(auth, store, "vic", role: 1)
            let supervisor = try await consultant(auth, store, "sue", role: 2)
            let (ada, adaID) = try await reader(auth, "ada")
            #expect(await status { _ = try await consultants.sendMessage(.with { $0.readerID = adaID; $0.body = "hi" }, options: viewer) } == .permissionDenied)
            let sent = try await consultants.sendMessage(.with { $0.readerID = adaID; $0.body = "How is chapter 2 going?" }, options: supervisor)
            #expect(sent.message?.direction == .consultantToReader)
            let inbox = try await readers.listMyMessages(.with { $0.unreadOnly = true }, options: ada)
            #expect(inbox.messages.map(\.body) == ["How is chapter 2 going?"])
            _ = try await readers.sendMessage(.with { $0.body = "Slowly!" }, options: ada)
            #expect(try await readers.markMessagesRead(.with { $0.upToMessageID = inbox.messages[0].id }, options: ada).marked == 1)
            let conversation = try await consultants.listConversation(.with { $0.readerID = adaID }, options: viewer)
            #expect(conversation.messages.map(\.body) == ["Slowly!", "How is chapter 2 going?"])
            #expect(conversation.messages[1].readAtMs > 0)
        }
    }

    @Test("readers and the socket owner cannot call ConsultantService")
    func onlyConsultants() async throws {
        try await withAuthServer { auth, _, _ in
            let consultants = ConsultantClient(auth.client)
            let (ada, adaID) = try await reader(auth, "ada")
            #expect(await status { _ = try await consultants.getReader(.with { $0.readerID = adaID }, options: ada) } == .permissionDenied)
            #expect(await status { _ = try await consultants.listReaders(ListReadersRequest(), options: CallOptions()) } == .permissionDenied)
        }
    }

    @Test("a heartbeat puts a reader in ListActiveReaders at once, with several tabs as one presence; it leaves after the window")
    func activeReaders() async throws {
        try await withAuthServer { auth, store, clock in
            let consultants = ConsultantClient(auth.client), readers = ReaderClient(auth.client)
            let viewer = try await consultant(auth, store, "vic", role: 1)
            let (ada, adaID) = try await reader(auth, "ada")
            let (bob, _) = try await reader(auth, "bob")
            #expect(try await consultants.listActiveReaders(ListActiveReadersRequest(), options: viewer).readers.isEmpty)
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab-1"; $0.contentID = "book-1" }, options: ada)
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "tab-2" }, options: ada)
            // Bob 5 s later: he stays in the window below for 4 s of the test's own time, which a
            // ThreadSanitizer build took more than 0.5 s of when he came 1 s later.
            clock.advance(byMs: 5_000)
            _ = try await readers.heartbeat(.with { $0.clientSessionID = "phone" }, options: bob)
            let active = try await consultants.listActiveReaders(ListActiveReadersRequest(), options: viewer).readers
            #expect(active.map(\.displayName) == ["bob", "ada"])
            #expect(active.last?.clientSessions == 2 && active.last?.contentID == "book-1" && active.last?.readerID == adaID)
            let paged = try await consultants.listActiveReaders(.with { $0.pageSize = 1 }, options: viewer)
            #expect(paged.readers.count == 1 && !paged.nextPageToken.isEmpty)
            clock.advance(byMs: 26_000)
            #expect(try await consultants.listActiveReaders(ListActiveReadersRequest(), options: viewer).readers.map(\.displayName) == ["bob"])
        }
    }

    @Test("ListReaders pages every reader in id order")
    func listReaders() async throws {
        try await withAuthServer { auth, store, _ in
            let consultants = ConsultantClient(auth.client)
            let viewer = try await consultant(auth, store, "vic", role: 1)
            for name in ["a", "b", "c", "d", "e"] { _ = try await reader(auth, name) }
            let first = try await consultants.listReaders(.with { $0.pageSize = 3 }, options: viewer)
            let second = try await consultants.listReaders(.with { $0.pageSize = 3; $0.pageToken = first.nextPageToken }, options: viewer)
            #expect((first.readers + second.readers).map(\.displayName) == ["a", "b", "c", "d", "e"])
        }
    }
}
