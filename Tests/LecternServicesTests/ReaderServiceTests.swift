import LecternClient
import LecternProtocol
import LecternStorage
import Testing
@testable import LecternServices

@Suite("ReaderService over a real socket")
struct ReaderServiceTests {
    private func signUp(_ auth: AuthClient, _ name: String) async throws -> CallOptions {
        .bearer(try await auth.signUp(.with {
            $0.email = "\(name)@example.org"
            $0.password = "password \(name)"
            $0.displayName = name
        }).token)
    }

    private func event(_ sequence: UInt64, type: String = "page_view", payload: Int = 10) -> EventInput {
        EventInput.with {
            $0.clientSessionID = "tab-1"
            $0.sequence = sequence
            $0.type = type
            $0.occurredAtMs = 1_795_000_000_000
            $0.contentID = "book-1"
            $0.payload = [UInt8](repeating: 0x41, count: payload)
        }
    }

    @Test("append, retry, state: a retried batch is stored once and acknowledged again")
    func appendAndRetry() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada")
            let batch = AppendEventsRequest.with { $0.events = [event(1), event(2, type: "answer")] }
            let first = try await reader.appendEvents(batch, options: ada)
            let retry = try await reader.appendEvents(batch, options: ada)
            #expect(first.results.map(\.duplicate) == [false, false])
            #expect(retry.results.map(\.duplicate) == [true, true])
            #expect(retry.results.map(\.eventID) == first.results.map(\.eventID))
            let state = try #require(try await reader.getMyState(options: ada).state)
            #expect(state.eventCount == 2 && state.lastEventType == "answer" && state.currentContentID == "book-1")
            #expect(try await reader.heartbeat(.with { $0.clientSessionID = "tab-1" }, options: ada).presenceWindowMs == 30_000)
        }
    }

    @Test("a page of large events stops before it would pass the page's byte limit; the next pages hold the rest, each event once")
    func pagesBoundedInBytes() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada")
            // 300 events of 16 KiB: 4.9 MB, more than a client's 4 MiB frame limit in one page.
            for batch in 0..<3 {
                let events = (1...100).map { event(UInt64(batch * 100 + $0), payload: 16 * 1_024) }
                _ = try await reader.appendEvents(.with { $0.events = events }, options: ada)
            }
            var seen: [Int64] = [], token = "", pages = 0
            repeat {
                let page = try await reader.listMyEvents(.with { $0.pageSize = 1_000; $0.pageToken = token }, options: ada)
                #expect(page.serializedBytes().count <= 1_048_576 + 17 * 1_024, "page \(pages): \(page.serializedBytes().count) bytes")
                #expect(!page.events.isEmpty)
                seen += page.events.map(\.id)
                token = page.nextPageToken
                pages += 1
            } while !token.isEmpty && pages < 10
            #expect(pages >= 5)
            #expect(seen.count == 300 && Set(seen).count == 300)
            #expect(seen == seen.sorted(by: >))
        }
    }

    @Test("milestones with large attributes page by bytes too")
    func milestonePagesBoundedInBytes() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada")
            // 40 milestones of 32 attributes of 1,000 bytes: 1.3 MB in all.
            let attributes = Dictionary(uniqueKeysWithValues: (0..<32).map { ("key-\($0)", String(repeating: "v", count: 1_000)) })
            for index in 0..<40 {
                _ = try await reader.upsertMilestone(.with {
                    $0.contentID = String(format: "ch-%02d", index)
                    $0.status = .started
                    $0.attributes = attributes
                }, options: ada)
            }
            let first = try await reader.listMyMilestones(.with { $0.pageSize = 1_000 }, options: ada)
            #expect(first.milestones.count < 40 && !first.nextPageToken.isEmpty)
            #expect(first.serializedBytes().count <= 1_048_576 + 40 * 1_024)
            let rest = try await reader.listMyMilestones(.with { $0.pageSize = 1_000; $0.pageToken = first.nextPageToken }, options: ada)
            #expect((first.milestones + rest.milestones).map(\.contentID) == (0..<40).map { String(format: "ch-%02d", $0) })
            #expect(rest.nextPageToken.isEmpty)
        }
    }

    @Test("a bad batch is INVALID_ARGUMENT naming each event's field, and nothing of it is stored")
    func validation() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada")
            let error = await rpcError {
                _ = try await reader.appendEvents(.with { $0.events = [event(1, type: "Page View"), event(2, payload: 16_385), event(3)] }, options: ada)
            }
            #expect(error?.code == .invalidArgument)
            let fields = Set(error?.details?.fieldViolations.map { $0.field } ?? [])
            #expect(fields == ["events[0].type", "events[1].payload"])
            let empty = await rpcError { _ = try await reader.appendEvents(AppendEventsRequest(), options: ada) }
            #expect(empty?.details?.fieldViolations.first?.field == "events")
            // Control characters: a NUL, a newline, a C1 CSI.
            var nul = event(1), newline = event(2), csi = event(3)
            nul.clientSessionID = "tab\u{0}1"
            newline.contentID = "book-1\nforged line"
            csi.contentID = "book-\u{9B}31m"
            let controls = await rpcError { _ = try await reader.appendEvents(.with { $0.events = [nul, newline, csi, event(4)] }, options: ada) }
            #expect(Set(controls?.details?.fieldViolations.map { $0.field } ?? []) == [
                "events[0].client_session_id", "events[1].content_id", "events[2].content_id",
            ])
            let count = try await reader.getMyState(options: ada).state?.eventCount
            #expect(count == 0)
            // Unicode that is not a control character is text like any other; occurred_at_ms is the client's to set.
            var accented = event(5)
            accented.contentID = "livre-é-📖"
            accented.occurredAtMs = -1
            #expect(try await reader.appendEvents(.with { $0.events = [accented] }, options: ada).results.count == 1)
        }
    }

    @Test("history pages with signed tokens; another reader's token or a changed one is refused")
    func pagesAndIsolation() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada"), bob = try await signUp(auth, "bob")
            _ = try await reader.appendEvents(.with { $0.events = (1...25).map { event($0, type: $0 % 5 == 0 ? "answer" : "page_view") } }, options: ada)
            var sequences: [UInt64] = []
            var token = ""
            var lastToken = ""
            repeat {
                let page = try await reader.listMyEvents(.with { $0.pageSize = 10; $0.pageToken = token }, options: ada)
                sequences += page.events.map(\.sequence)
                if !page.nextPageToken.isEmpty { lastToken = page.nextPageToken }
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(sequences == Array((1...25).reversed()))
            let answers = try await reader.listMyEvents(.with { $0.types = ["answer"] }, options: ada)
            #expect(answers.events.map(\.sequence) == [25, 20, 15, 10, 5])

            // Bob sees none of Ada's events, and Ada's cursor does not work for him.
            #expect(try await reader.listMyEvents(ListMyEventsRequest(), options: bob).events.isEmpty)
            let foreign = await rpcError { _ = try await reader.listMyEvents(.with { $0.pageToken = lastToken }, options: bob) }
            #expect(foreign?.code == .invalidArgument && foreign?.message.hasPrefix("page_token") == true)
            var tampered = Array(lastToken)
            tampered[5] = tampered[5] == "A" ? "B" : "A"
            let changed = await rpcError { _ = try await reader.listMyEvents(.with { $0.pageToken = String(tampered) }, options: ada) }
            #expect(changed?.code == .invalidArgument)
            let garbage = await rpcError { _ = try await reader.listMyEvents(.with { $0.pageToken = "not-a-token" }, options: ada) }
            #expect(garbage?.code == .invalidArgument)
        }
    }

    @Test("milestones: created, completed, paged with signed tokens, invisible to other readers")
    func milestones() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada"), bob = try await signUp(auth, "bob")
            let started = try await reader.upsertMilestone(.with {
                $0.contentID = "ch-01"; $0.status = .started; $0.attributes = ["attempt": "1", "é": "ü"]
            }, options: ada)
            #expect(started.created && started.milestone?.status == .started)
            let done = try await reader.upsertMilestone(.with { $0.contentID = "ch-01"; $0.status = .completed; $0.score = 92.5 }, options: ada)
            #expect(!done.created && done.milestone?.score == 92.5 && done.milestone?.attributes == ["attempt": "1", "é": "ü"])
            for index in 2...5 {
                _ = try await reader.upsertMilestone(.with { $0.contentID = "ch-0\(index)"; $0.status = .started }, options: ada)
            }
            #expect(try await reader.getMyState(options: ada).state?.milestonesCompleted == 1)
            let first = try await reader.listMyMilestones(.with { $0.pageSize = 3 }, options: ada)
            let second = try await reader.listMyMilestones(.with { $0.pageSize = 3; $0.pageToken = first.nextPageToken }, options: ada)
            #expect((first.milestones + second.milestones).map(\.contentID) == ["ch-01", "ch-02", "ch-03", "ch-04", "ch-05"])
            #expect(second.nextPageToken.isEmpty)
            #expect(try await reader.listMyMilestones(ListMyMilestonesRequest(), options: bob).milestones.isEmpty)
            let stolen = await rpcError { _ = try await reader.listMyMilestones(.with { $0.pageToken = first.nextPageToken }, options: bob) }
            #expect(stolen?.code == .invalidArgument)
            let bad = await rpcError {
                _ = try await reader.upsertMilestone(.with {
                    $0.contentID = ""; $0.status = .unspecified
                    $0.attributes = Dictionary(uniqueKeysWithValues: (0..<33).map { ("k\($0)", "v") })
                }, options: ada)
            }
            let fields = Set(bad?.details?.fieldViolations.map { $0.field } ?? [])
            #expect(fields == ["content_id", "status", "attributes"])
        }
    }

    @Test("messages: a reader sends, reads its own conversation only, and marks only its own read")
    func messages() async throws {
        try await withAuthServer { auth, store, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada"), bob = try await signUp(auth, "bob")
            let sent = try #require(try await reader.sendMessage(.with { $0.body = "I am stuck on chapter 2" }, options: ada).message)
            #expect(sent.direction == .readerToConsultant && sent.consultantID == 0)
            let adaID = sent.readerID
            let reply = try await store.sendMessage(readerID: adaID, consultantID: 1, direction: 2, body: "Try the summary first")
            #expect(try await reader.getMyState(options: ada).state?.unreadMessages == 1)
            let unread = try await reader.listMyMessages(.with { $0.unreadOnly = true }, options: ada)
            #expect(unread.messages.map(\.body) == ["Try the summary first"])
            #expect(try await reader.listMyMessages(ListMyMessagesRequest(), options: bob).messages.isEmpty)
            // Bob marking Ada's message changes nothing.
            #expect(try await reader.markMessagesRead(.with { $0.messageIDs = [reply.id] }, options: bob).marked == 0)
            #expect(try await reader.markMessagesRead(.with { $0.messageIDs = [reply.id] }, options: ada).marked == 1)
            #expect(try await reader.getMyState(options: ada).state?.unreadMessages == 0)
            let empty = await rpcError { _ = try await reader.sendMessage(SendMessageRequest(), options: ada) }
            #expect(empty?.details?.fieldViolations.first?.field == "body")
            // A body may run over lines, but holds no other control character.
            #expect(try await reader.sendMessage(.with { $0.body = "Line one\r\n\tline two" }, options: ada).message?.body == "Line one\r\n\tline two")
            let escape = await rpcError { _ = try await reader.sendMessage(.with { $0.body = "\u{1B}[2J" }, options: ada) }
            #expect(escape?.details?.fieldViolations.first?.field == "body")
        }
    }

    @Test("a reader's write that reaches the store after the reader was deleted is NOT_FOUND saying so")
    func writesAfterDeletion() async throws {
        try await withTestServer { server in
            // Authorized as the reader, then the reader is deleted before the write runs:
            // the race between a call and DeleteReader, without its timing.
            let reader = try await server.store.createReader(NewReader(email: "gone@example.org", displayName: "Gone", passwordHash: "-"))
            _ = try await server.store.deleteReader(id: reader.id)
            let service = server.services.readers
            let writes: [(String, () async throws -> Void)] = [
                ("AppendEvents", { _ = try await service.appendEvents(.with { $0.events = [event(1)] }, reader) }),
                ("UpsertMilestone", { _ = try await service.upsertMilestone(.with { $0.contentID = "b"; $0.status = .started }, reader) }),
                ("SendMessage", { _ = try await service.sendMessage(.with { $0.body = "hello" }, reader) }),
                ("GetMyState", { _ = try await service.getMyState(reader) }),
            ]
            for (name, write) in writes {
                let error = await rpcError(write)
                #expect(error?.code == .notFound, "\(name)")
                #expect(error?.message == ReaderService.readerGone, "\(name): \(error?.message ?? "no error")")
            }
        }
    }

    @Test("a filter that matches none of a long history's newest events gives an empty page with a token; following the tokens finds the match")
    func filteredPagesOverLongHistory() async throws {
        try await withAuthServer { auth, _, _ in
            let reader = ReaderClient(auth.client)
            let ada = try await signUp(auth, "ada")
            let count = EventPage.scanLimit + 200
            for start in stride(from: 1, through: count, by: 1_000) {
                let batch = (start..<min(start + 1_000, count + 1)).map { event(UInt64($0), type: $0 == 7 ? "answer" : "page_view", payload: 0) }
                _ = try await reader.appendEvents(.with { $0.events = batch }, options: ada)
            }
            var pages: [ListMyEventsResponse] = []
            var token = ""
            repeat {
                let page = try await reader.listMyEvents(.with { $0.types = ["answer"]; $0.pageToken = token }, options: ada)
                pages.append(page)
                token = page.nextPageToken
            } while !token.isEmpty && pages.count < 10
            #expect(pages.count == 2)
            #expect(pages.first?.events.isEmpty == true)
            #expect(pages.flatMap(\.events).map(\.sequence) == [7])
        }
    }

    @Test("callers that are not readers are refused")
    func onlyReaders() async throws {
        try await withAuthServer { auth, store, _ in
            let reader = ReaderClient(auth.client)
            let hash = try Credentials.hashPassword("consultant password", strength: .minimum)
            _ = try await store.createConsultant(NewConsultant(email: "cy@example.org", displayName: "Cy", passwordHash: hash, role: 3))
            let consultant = try await auth.login(.with { $0.email = "cy@example.org"; $0.password = "consultant password"; $0.accountKind = .consultant })
            let asConsultant = await rpcError { _ = try await reader.getMyState(options: .bearer(consultant.token)) }
            #expect(asConsultant?.code == .permissionDenied)
            let asOwner = await rpcError { _ = try await reader.getMyState(options: CallOptions()) }
            #expect(asOwner?.code == .permissionDenied)
            let anonymous = await rpcError { _ = try await reader.getMyState(options: .bearer("forged")) }
            #expect(anonymous?.code == .unauthenticated)
        }
    }
}

@Suite("ReaderService.ImportEvents over a real socket")
struct ImportEventsTests {
    @Test("a client stream stores each batch as it arrives and counts what it stored; a bad batch ends it, keeping the earlier ones")
    func importEvents() async throws {
        try await withTestServer { server in
            let readers = ReaderClient(server.client)
            let signedUp = try await server.auth.signUp(.with { $0.email = "ada@example.org"; $0.password = "password ada"; $0.displayName = "Ada" })
            let options = CallOptions.bearer(signedUp.token)
            func batch(_ sequences: ClosedRange<UInt64>) -> AppendEventsRequest {
                AppendEventsRequest.with {
                    $0.events = sequences.map { n in EventInput.with { $0.clientSessionID = "import"; $0.sequence = n; $0.type = "page_view" } }
                }
            }
            let call = try await readers.importEvents(options: options)
            for first in stride(from: UInt64(1), through: 901, by: 100) { try await call.send(batch(first...first + 99)) }
            try await call.send(batch(1...10))
            let counts = try await call.finish()
            #expect(counts.batches == 11 && counts.stored == 1_000 && counts.duplicates == 10)
            #expect(try await readers.getMyState(options: options).state?.eventCount == 1_000)

            let bad = try await readers.importEvents(options: options)
            try await bad.send(batch(1_001...1_005))
            try await bad.send(AppendEventsRequest())
            #expect(await status { _ = try await bad.finish() } == .invalidArgument)
            #expect(try await readers.getMyState(options: options).state?.eventCount == 1_005)
        }
    }
}
