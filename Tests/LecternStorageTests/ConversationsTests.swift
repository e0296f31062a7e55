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
