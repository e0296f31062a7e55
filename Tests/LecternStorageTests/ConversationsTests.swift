import Testing
@testable import LecternStorage

@Suite("Milestones and messages")
struct ConversationsTests {
    @Test("a milestone is created, completed once, and counted in the reader's state")
    func milestones() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let (started, created) = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-1", status: 1, score: 0, attributesJSON: #"{"a":"1"}"#)
            #expect(created && started.status == 1 && started.completedAtMs == 0)
            let (done, createdAgain) = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-1", status: 2, score: 87.5, attributesJSON: "")
            #expect(!createdAgain && done.status == 2 && done.completedAtMs > 0 && done.score == 87.5)
            #expect(done.attributesJSON == #"{"a":"1"}"#)
            _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-1", status: 2, score: 90, attributesJSON: "")
            _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-2", status: 2, score: 0, attributesJSON: "")
            #expect(try await store.readerState(readerID: reader.id)?.milestonesCompleted == 2)
            _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-2", status: 1, score: 0, attributesJSON: "")
            #expect(try await store.readerState(readerID: reader.id)?.milestonesCompleted == 1)
            let page = try await store.milestones(readerID: reader.id, afterContentID: "", limit: 10)
            #expect(page.map(\.contentID) == ["ch-1", "ch-2"])
            #expect(try await store.milestones(readerID: reader.id, afterContentID: "ch-1", limit: 10).map(\.contentID) == ["ch-2"])
        }
    }

    @Test("pages of milestones and of messages stop at the one whose size passes the byte bound")
    func byteBoundedPages() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            let attributes = #"{"a":""# + String(repeating: "x", count: 1_000) + #""}"#
            for n in 1...6 {
                _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-\(n)", status: 1, score: 0, attributesJSON: attributes)
                _ = try await store.sendMessage(readerID: reader.id, consultantID: 0, direction: 1, body: String(repeating: "m", count: 1_000))
            }
            let milestone = try #require(try await store.milestones(readerID: reader.id, afterContentID: "", limit: 1).first?.sizeBound)
            let milestones = try await store.milestones(readerID: reader.id, afterContentID: "", limit: 10, stopAfterBytes: milestone * 5 / 2)
            #expect(milestones.map(\.contentID) == ["ch-1", "ch-2", "ch-3"])
            let message = try #require(try await store.messages(readerID: reader.id, beforeID: nil, limit: 1, unreadOnly: false).first?.sizeBound)
            #expect(try await store.messages(readerID: reader.id, beforeID: nil, limit: 10, unreadOnly: false, stopAfterBytes: message * 3 / 2).count == 2)
            #expect(try await store.messages(readerID: reader.id, beforeID: nil, limit: 10, unreadOnly: false).count == 6)
        }
    }

    @Test("activity pages bounded by bytes give every event, message and milestone once, in order, whichever table runs long")
    func activityPagesByBytes() async throws {
        try await withTemporaryStore { store, _ in
            let reader = try await store.makeReader()
            // Events of 3 KB, messages of 100 bytes and milestones of 1 KB, interleaved.
            for n in UInt64(1)...40 {
                _ = try await store.appendEvents(readerID: reader.id, [NewEvent(clientSessionID: "s", sequence: n, type: "page_view", occurredAtMs: 1, payload: Array(repeating: 1, count: 3_000))])
                _ = try await store.sendMessage(readerID: reader.id, consultantID: 0, direction: 1, body: String(repeating: "m", count: 100))
                if n % 3 == 0 {
                    _ = try await store.upsertMilestone(readerID: reader.id, contentID: "ch-\(n)", status: 1, score: 0, attributesJSON: #"{"a":""# + String(repeating: "x", count: 1_000) + #""}"#)
                }
            }
            let all = try await store.activity(after: 0, limit: 1_000, stopAfterBytes: .max)
            #expect(all.count == 93 && all.map(\.position) == all.map(\.position).sorted())
            var pages: [[Activity]] = [], cursor: Int64 = 0
            while true {
                let page = try await store.activity(after: cursor, limit: 512, stopAfterBytes: 10_000)
                guard let last = page.last else { break }
                pages.append(page)
                cursor = last.position
            }
            #expect(pages.flatMap { $0 } == all)
            #expect(pages.count > 10)
            #expect(try await store.activity(after: 0, limit: 5, stopAfterBytes: .max) == Array(all.prefix(5)))
        }
    }

    @Test("stuck readers: each reader with an open milestone not updated since the bound counts once, until none is open")
    func stuckReaders() async throws {
        try await withTemporaryStore { store, _ in
            let ada = try await store.makeReader("ada"), bob = try await store.makeReader("bob")
            func stuck(before boundMs: Int64) async throws -> Int { try await store.dashboardCounts(stuckBeforeMs: boundMs).stuckReaders }
            let (first, _) = try await store.upsertMilestone(readerID: ada.id, contentID: "ch-1", status: 1, score: 0, attributesJSON: "")
            let (second, _) = try await store.upsertMilestone(readerID: ada.id, contentID: "ch-2", status: 1, score: 0, attributesJSON: "")
            _ = try await store.upsertMilestone(readerID: bob.id, contentID: "ch-1", status: 2, score: 0, attributesJSON: "")
            // Two open milestones, one reader; Bob's is completed.
            #expect(try await stuck(before: second.updatedAtMs + 1) == 1)
            #expect(try await stuck(before: first.updatedAtMs) == 0)
            // Completing one leaves the other open; completing both leaves none.
            _ = try await store.upsertMilestone(readerID: ada.id, contentID: "ch-1", status: 2, score: 0, attributesJSON: "")
            #expect(try await stuck(before: second.updatedAtMs + 1) == 1)
            let (done, _) = try await store.upsertMilestone(readerID: ada.id, contentID: "ch-2", status: 2, score: 0, attributesJSON: "")
            #expect(try await stuck(before: done.updatedAtMs + 1) == 0)
            // Reopened, it counts from its new update time.
            let (reopened, _) = try await store.upsertMilestone(readerID: bob.id, contentID: "ch-1", status: 1, score: 0, attributesJSON: "")
            #expect(try await stuck(before: reopened.updatedAtMs) == 0)
            #expect(try await stuck(before: reopened.updatedAtMs + 1) == 1)
            // A deleted reader's milestones go with their state.
            _ = try await store.deleteReader(id: bob.id)
            #expect(try await stuck(before: reopened.updatedAtMs + 1) == 0)
        }
    }

    @Test("messages to a reader count as unread until marked; other readers' ids are ignored")
    func messages() async throws {
        try await withTemporaryStore { store, _ in
            let ada = try await store.makeReader("ada"), bob = try await store.makeReader("bob")
            let question = try await store.sendMessage(readerID: ada.id, consultantID: 0, direction: 1, body: "help?")
            let first = try await store.sendMessage(readerID: ada.id, consultantID: 7, direction: 2, body: "hello")
            let second = try await store.sendMessage(readerID: ada.id, consultantID: 7, direction: 2, body: "again")
            let bobs = try await store.sendMessage(readerID: bob.id, consultantID: 7, direction: 2, body: "hi bob")
            #expect(try await store.readerState(readerID: ada.id)?.unreadMessages == 2)
            #expect(try await store.messages(readerID: ada.id, beforeID: nil, limit: 10, unreadOnly: false).map(\.id) == [second.id, first.id, question.id])
            // Bob's message id and Ada's own question are not Ada's to mark.
            #expect(try await store.markMessagesRead(readerID: ada.id, ids: [bobs.id, question.id, first.id], upToID: 0) == 1)
            #expect(try await store.messages(readerID: ada.id, beforeID: nil, limit: 10, unreadOnly: true).map(\.id) == [second.id])
            #expect(try await store.markMessagesRead(readerID: ada.id, ids: [], upToID: second.id) == 1)
            #expect(try await store.readerState(readerID: ada.id)?.unreadMessages == 0)
            #expect(try await store.readerState(readerID: bob.id)?.unreadMessages == 1)
        }
    }
}
