extension SQLiteStore {
    public func upsertMilestone(
        readerID: Int64, contentID: String, status: Int, score: Double, attributesJSON: String
    ) async throws -> (MilestoneRecord, created: Bool) {
        try await writer.write { context in
            let connection = context.connection
            let before = try connection.queryFirst(SQL.milestone, [.integer(readerID), .text(contentID)], Self.milestoneRecord)
            try connection.run(
                SQL.upsertMilestone, .integer(readerID), .text(contentID), .integer(Int64(status)), .real(score),
                .integer(context.nowMs), .text(attributesJSON), .integer(context.nextPosition)
            )
            let wasCompleted = before?.status == 2, isCompleted = status == 2
            if wasCompleted != isCompleted {
                try connection.run(SQL.addMilestonesCompleted, .integer(readerID), .integer(isCompleted ? 1 : -1))
            }
            try connection.run(SQL.refreshOpenMilestone, .integer(readerID))
            guard let after = try connection.queryFirst(SQL.milestone, [.integer(readerID), .text(contentID)], Self.milestoneRecord) else {
                throw StorageError(.sqlite, "the milestone just written is missing")
            }
            context.publish(.milestone(after))
            return (after, before == nil)
        }
    }

    public func milestones(readerID: Int64, afterContentID: String, limit: Int, stopAfterBytes: Int) async throws -> [MilestoneRecord] {
        try await pageRead(limit: limit) { connection in
            try Self.rows(
                connection, SQL.milestonesPage, [.integer(readerID), .text(afterContentID), .integer(Int64(limit))],
                stopAfterBytes: stopAfterBytes, size: \.sizeBound, Self.milestoneRecord
            )
        }
    }

    static func milestoneRecord(_ row: Statement) -> MilestoneRecord {
        MilestoneRecord(
            readerID: row.int64(0), contentID: row.string(1), status: row.int(2), score: row.double(3),
            startedAtMs: row.int64(4), updatedAtMs: row.int64(5), completedAtMs: row.int64(6), attributesJSON: row.string(7),
            feedPosition: row.int64(8)
        )
    }

    public func sendMessage(readerID: Int64, consultantID: Int64, direction: Int, body: String) async throws -> MessageRecord {
        try await writer.write { context in
            let message = MessageRecord(
                id: context.nextPosition, readerID: readerID, consultantID: consultantID, direction: direction, body: body,
                sentAtMs: context.nowMs, readAtMs: 0
            )
            try context.connection.run(
                SQL.insertMessage, .integer(message.id), .integer(readerID), .integer(consultantID), .integer(Int64(direction)),
                .text(body), .integer(context.nowMs)
            )
            if direction == 2 { try context.connection.run(SQL.addUnreadMessages, .integer(readerID), .integer(1)) }
            context.publish(.message(message))
            return message
        }
    }

    public func messages(readerID: Int64, beforeID: Int64?, limit: Int, unreadOnly: Bool, stopAfterBytes: Int) async throws -> [MessageRecord] {
        let page: @Sendable (Connection) throws -> [MessageRecord] = { connection in
            try Self.rows(
                connection, SQL.messagesPage, [.integer(readerID), .integer(beforeID ?? .max), .integer(Int64(limit)), .integer(unreadOnly ? 1 : 0)],
                stopAfterBytes: stopAfterBytes, size: \.sizeBound, Self.messageRecord
            )
        }
        // Unread only, the statement may step over any number of read messages.
        return try await unreadOnly ? read(page) : pageRead(limit: limit, page)
    }

    static func messageRecord(_ row: Statement) -> MessageRecord {
        MessageRecord(
            id: row.int64(0), readerID: row.int64(1), consultantID: row.int64(2), direction: row.int(3),
            body: row.string(4), sentAtMs: row.int64(5), readAtMs: row.int64(6)
        )
    }

    public func markMessagesRead(readerID: Int64, ids: [Int64], upToID: Int64) async throws -> Int {
        try await writer.write { context in
            let connection = context.connection
            var marked = 0
            if upToID > 0 {
                try connection.run(SQL.markMessagesReadUpTo, .integer(readerID), .integer(upToID), .integer(context.nowMs))
                marked += connection.changes
            }
            for id in ids {
                try connection.run(SQL.markMessageRead, .integer(readerID), .integer(id), .integer(context.nowMs))
                marked += connection.changes
            }
            if marked > 0 { try connection.run(SQL.addUnreadMessages, .integer(readerID), .integer(Int64(-marked))) }
            return marked
        }
    }
}
