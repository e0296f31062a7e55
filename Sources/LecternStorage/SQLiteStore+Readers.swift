import Foundation

extension SQLiteStore {
    public func readers(afterID: Int64, status: Int, prefix: String, limit: Int) async throws -> [ReaderRecord] {
        try await read { connection in
            guard !prefix.isEmpty else {
                return status == 0
                    ? try connection.query(SQL.readersPage, [.integer(afterID), .integer(Int64(limit))], Self.readerRecord)
                    : try connection.query(SQL.readersWithStatus, [.integer(afterID), .integer(Int64(status)), .integer(Int64(limit))], Self.readerRecord)
            }
            // Every string that starts with the prefix sorts below prefix + U+10FFFF.
            let email = prefix.lowercased()
            let bounds: [SQLValue] = [
                .integer(afterID), .integer(Int64(status)),
                .text(email), .text(email + "\u{10FFFF}"), .text(prefix), .text(prefix + "\u{10FFFF}"),
            ]
            // Which plan is fast depends on how many readers match, which SQLite does not
            // know. At 1 million readers a prefix of everyone ("r") took 338 ms through the
            // indexes (sorting a million ids), and a rare one would take 100 ms in id order
            // (reading every reader). So: the next readers in id order first, then the
            // indexes if those held less than a page and more readers follow.
            let window = Int64(Self.searchWindow)
            let found = try connection.query(SQL.readersByPrefixInWindow, bounds + [.integer(window), .integer(Int64(limit))], Self.readerRecord)
            guard found.count < limit,
                  try connection.queryFirst(SQL.readersAfterCount, [.integer(afterID), .integer(window)], { $0.int64(0) }) == window
            else { return found }
            return try connection.query(SQL.readersByPrefix, bounds + [.integer(Int64(limit))], Self.readerRecord)
        }
    }

    /// Readers a prefix search reads in id order before it turns to the indexes.
    static let searchWindow = 2_000

    public func readers(ids: [Int64]) async throws -> [ReaderRecord] {
        try await read { connection in
            try ids.compactMap { id throws(StorageError) in try connection.queryFirst(SQL.readerByID, [.integer(id)], Self.readerRecord) }
        }
    }

    public func setReaderStatus(id: Int64, status: Int) async throws -> ReaderRecord? {
        try await writer.write { context in
            try context.connection.queryFirst(SQL.setReaderStatus, [.integer(id), .integer(Int64(status))], Self.readerRecord)
        }
    }

    public func deleteReader(id: Int64) async throws -> DeletedReader? {
        try await writer.write { context in
            let connection = context.connection
            guard try connection.queryFirst(SQL.readerByID, [.integer(id)], { _ in true }) != nil else { return nil }
            func delete(_ sql: String) throws(StorageError) -> Int {
                try connection.run(sql, .integer(id))
                return connection.changes
            }
            let deleted = DeletedReader(
                events: try delete(SQL.deleteReaderEvents), milestones: try delete(SQL.deleteReaderMilestones),
                messages: try delete(SQL.deleteReaderMessages), sessions: try delete(SQL.deleteReaderSessions)
            )
            _ = try delete(SQL.deleteReaderState)
            _ = try delete(SQL.deleteReader)
            try connection.run(SQL.addReaders, .integer(-1))
            // The reader's rows may have held the highest positions given.
            try connection.run(SQL.recordFeedPosition, .integer(context.position))
            return deleted
        }
    }

    public func recordLastSeen(_ lastSeen: [Int64: Int64]) async throws {
        guard !lastSeen.isEmpty else { return }
        try await writer.write { context in
            for (id, atMs) in lastSeen {
                try context.connection.run(SQL.raiseLastSeen, .integer(id), .integer(atMs))
            }
        }
    }

    // MARK: Service keys

    public func createServiceKey(name: String, keyHash: [UInt8]) async throws -> ServiceKeyRecord {
        try await writer.write { context in
            let id = try context.connection.queryFirst(SQL.insertServiceKey, [.text(name), .blob(keyHash), .integer(context.nowMs)]) { $0.int64(0) }
            guard let id else { throw StorageError(.sqlite, "INSERT … RETURNING gave no row") }
            return ServiceKeyRecord(id: id, name: name, createdAtMs: context.nowMs, revokedAtMs: 0)
        }
    }

    public func serviceKey(keyHash: [UInt8]) async throws -> ServiceKeyRecord? {
        try await pointRead { try $0.queryFirst(SQL.serviceKeyByHash, [.blob(keyHash)], Self.serviceKeyRecord) }
    }

    public func revokeServiceKey(id: Int64) async throws -> ServiceKeyRecord? {
        try await writer.write { context in
            try context.connection.queryFirst(SQL.revokeServiceKey, [.integer(id), .integer(context.nowMs)], Self.serviceKeyRecord)
        }
    }

    static func serviceKeyRecord(_ row: Statement) -> ServiceKeyRecord {
        ServiceKeyRecord(id: row.int64(0), name: row.string(1), createdAtMs: row.int64(2), revokedAtMs: row.int64(3))
    }

    // MARK: The activity feed

    public var feedPosition: Int64 { writer.committedPosition }

    public func activity(after position: Int64, limit: Int, stopAfterBytes: Int) async throws -> [Activity] {
        try await read { connection in
            // In the same snapshot as the rows read: an archive that ran before it moved
            // events after `position` out of reach, and the page would hide that gap.
            let archivedThrough = try connection.queryFirst(SQL.archivedThrough) { $0.int64(0) } ?? 0
            if position < archivedThrough {
                throw StorageError(.archived, "events up to feed position \(archivedThrough) were archived (ArchiveEvents) and cannot be replayed: resume from cursor \(archivedThrough), or watch live with no cursor")
            }
            let bounds: [SQLValue] = [.integer(position), .integer(Int64(limit))]
            // Each table is read up to `limit` rows or `stopAfterBytes`. One that stopped
            // short of its end is complete only up to its last row read, so the merge keeps
            // what lies at or below the earliest such row: no gap, whichever table ran long.
            var complete = Int64.max
            func table<Row>(_ sql: String, _ size: (Row) -> Int, _ row: (Statement) -> Row, _ activity: (Row) -> Activity) throws(StorageError) -> [Activity] {
                let rows = try Self.rows(connection, sql, bounds, stopAfterBytes: stopAfterBytes, size: size) { row($0) }
                let activities = rows.map(activity)
                if rows.count == limit || rows.reduce(0, { $0 + size($1) }) > stopAfterBytes, let last = activities.last {
                    complete = min(complete, last.position)
                }
                return activities
            }
            var activity = try table(SQL.eventsAfter, \.sizeBound, Self.storedEvent) {
                Activity(position: $0.id, committedAtMs: $0.receivedAtMs, item: .event($0))
            }
            activity += try table(SQL.messagesAfter, \.sizeBound, Self.messageRecord) {
                Activity(position: $0.id, committedAtMs: $0.sentAtMs, item: .message($0))
            }
            activity += try table(SQL.milestonesAfter, \.sizeBound, Self.milestoneRecord) {
                Activity(position: $0.feedPosition, committedAtMs: $0.updatedAtMs, item: .milestone($0))
            }
            activity.sort { $0.position < $1.position }
            return Array(activity.prefix { $0.position <= complete }.prefix(limit))
        }
    }

    public func eventReceiptTimes(sinceMs: Int64) async throws -> [Int64] {
        try await read { try $0.query(SQL.eventTimesSince, [.integer(sinceMs)]) { $0.int64(0) } }
    }

    public func dashboardCounts(stuckBeforeMs: Int64) async throws -> DashboardCounts {
        try await read { connection in
            DashboardCounts(
                stuckReaders: Int(try connection.queryFirst(SQL.stuckReaders, [.integer(stuckBeforeMs)]) { $0.int64(0) } ?? 0),
                unreadMessages: Int(try connection.queryFirst(SQL.unreadFromReaders) { $0.int64(0) } ?? 0),
                totalReaders: Int(try connection.queryFirst(SQL.readerCount) { $0.int64(0) } ?? 0)
            )
        }
    }

    // MARK: Archiving

    public func archiveEvents(beforeMs: Int64, to path: String) async throws -> Int {
        let chunk = 5_000
        let path = try resolvedFilePath(path)
        try Self.checkArchivePath(path, database: configuration.path)
        try await writer.exclusive { connection in
            try connection.run(SQL.attachArchive, .text(path))
            do {
                // The archive's copy must be on disk before the rows it replaces are deleted.
                try connection.execute("PRAGMA archive.synchronous = FULL")
                try connection.run(SQL.createArchiveEvents)
            } catch {
                try? connection.run(SQL.detachArchive)
                throw error
            }
        }
        var moved = 0
        do {
            while true {
                // Two transactions: with the main file in WAL mode, a transaction over two
                // files is atomic in each but not across them (sqlite.org/lang_attach.html):
                // a crash in its COMMIT could keep the delete and lose the copy. So the copy
                // commits first, and the delete (of rows the archive holds) after: a crash
                // between leaves rows in both files, which the next run finishes.
                try await writer.write { context in
                    try context.connection.run(SQL.copyToArchive, .integer(beforeMs), .integer(Int64(chunk)))
                }
                let count = try await writer.write { context in
                    let connection = context.connection
                    let deleted = try connection.query(SQL.deleteArchived, [.integer(beforeMs), .integer(Int64(chunk))]) { $0.int64(0) }
                    guard let last = deleted.max() else { return 0 }
                    try connection.run(SQL.recordFeedPosition, .integer(context.position))
                    // In the delete's transaction: a replay's snapshot sees both or neither.
                    try connection.run(SQL.recordArchivedThrough, .integer(last))
                    return deleted.count
                }
                moved += count
                if count < chunk { break }
            }
        } catch {
            _ = try? await writer.exclusive { try $0.run(SQL.detachArchive) }
            throw error
        }
        try await writer.exclusive { try $0.run(SQL.detachArchive) }
        return moved
    }

    /// Refuses, before it is attached, a path that is this database by any name, its WAL or
    /// shared-memory file (an empty WAL would be taken for a new database and written), the
    /// name of its rollback journal (`isRollbackJournal`), any
    /// other Lectern database, or anything but a regular file (a directory, a device, a
    /// FIFO, which opening for reading would wait on). A new file, an archive, or a file
    /// SQLite refuses are left to the attach.
    static func checkArchivePath(_ path: String, database: String) throws(StorageError) {
        if isRollbackJournal(path, of: database) {
            throw StorageError(.invalidArgument, "\(path) is where SQLite looks for the database's rollback journal: it would delete the file at the next start")
        }
        guard let target = FileIdentity(path: path) else { return }
        if ([database] + sqliteSideFileSuffixes.map { database + $0 }).contains(where: { FileIdentity(path: $0) == target }) {
            throw StorageError(.invalidArgument, "\(path) is the server's own database")
        }
        guard let header = try regularFilePrefix(path, count: 72) else { return }
        if header.count == 72, header.starts(with: Array("SQLite format 3\0".utf8)),
           header[68..<72].reduce(0, { $0 << 8 | Int64($1) }) == Migrator.applicationID {
            throw StorageError(.invalidArgument, "\(path) is a Lectern database, not an archive")
        }
    }
}
