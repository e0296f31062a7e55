/// Lectern's storage, independent of the database behind it: plain Swift values in and
/// out, nothing of SQLite. `SQLiteStore` implements it; a PostgreSQL store will too.
///
/// Writes return once committed. Reads see one consistent snapshot each and give up
/// waiting at `StoreDeadline.current`, or when their task is cancelled.
public protocol Store: Sendable {
    /// Creates a reader, with an id no reader had before, deleted ones included.
    /// - Throws: `conflict` when the email is taken.
    func createReader(_ reader: NewReader) async throws -> ReaderRecord
    func reader(id: Int64) async throws -> ReaderRecord?
    func reader(email: String) async throws -> ReaderRecord?

    /// Creates a consultant. - Throws: `conflict` when the email is taken.
    func createConsultant(_ consultant: NewConsultant) async throws -> ConsultantRecord
    func consultant(id: Int64) async throws -> ConsultantRecord?
    func consultant(email: String) async throws -> ConsultantRecord?
    /// Consultants in id order, with ids above `afterID`.
    func consultants(afterID: Int64, limit: Int) async throws -> [ConsultantRecord]

    /// Stores a session (by its token's hash), and forgets the same account's sessions that
    /// expired over a week before it was created.
    func createSession(_ session: SessionRecord) async throws
    func session(tokenHash: [UInt8]) async throws -> SessionRecord?
    /// Marks a session revoked; false when it was unknown or revoked already.
    func revokeSession(tokenHash: [UInt8], atMs: Int64) async throws -> Bool

    /// Stores the events of one reader, all in one transaction, and updates the reader's
    /// state in it. An event whose (client session, sequence) is already stored is not
    /// stored again: its outcome says `duplicate` and gives the first copy's id.
    /// Outcomes come in the order of `events`.
    /// - Throws: `notFound` when the reader does not exist; nothing is stored then.
    func appendEvents(readerID: Int64, _ events: [NewEvent]) async throws -> [AppendOutcome]
    /// A reader's events, newest first, with ids below `beforeID` (all when nil), received
    /// at or after `sinceMs`, of the given types (any when empty), received
    /// before `untilMs` (no bound when 0): at most `limit`, and no more once their
    /// `sizeBound`s add up past `stopAfterBytes` (the event that passes it is the last).
    /// A filtered page reads at most `EventPage.scanLimit` of the reader's events: see
    /// `EventPage.scannedDownTo`.
    func eventPage(
        readerID: Int64, beforeID: Int64?, limit: Int, sinceMs: Int64, untilMs: Int64, types: [String], stopAfterBytes: Int
    ) async throws -> EventPage
    /// The reader's state; nil when the reader does not exist.
    func readerState(readerID: Int64) async throws -> ReaderStateRecord?

    /// Creates or updates the reader's milestone in `contentID` (status 1 started, 2
    /// completed; empty `attributesJSON` keeps the stored ones), keeping the reader's count
    /// of completed milestones current. Returns the milestone and whether it is new.
    func upsertMilestone(readerID: Int64, contentID: String, status: Int, score: Double, attributesJSON: String) async throws -> (MilestoneRecord, created: Bool)
    /// A reader's milestones in content-id order, after `afterContentID`.
    /// No more once their `sizeBound`s add up past `stopAfterBytes` (the one that passes it is the last).
    func milestones(readerID: Int64, afterContentID: String, limit: Int, stopAfterBytes: Int) async throws -> [MilestoneRecord]

    /// Stores a message (direction 1 reader to consultant, 2 consultant to reader); a
    /// message to the reader counts as unread in the reader's state.
    func sendMessage(readerID: Int64, consultantID: Int64, direction: Int, body: String) async throws -> MessageRecord
    /// A reader's conversation, newest first, with ids below `beforeID` (all when nil);
    /// with `unreadOnly`, only the messages to the reader it has not read.
    /// No more once their `sizeBound`s add up past `stopAfterBytes` (the one that passes it is the last).
    func messages(readerID: Int64, beforeID: Int64?, limit: Int, unreadOnly: Bool, stopAfterBytes: Int) async throws -> [MessageRecord]
    /// Marks messages to the reader read (the listed ids, and every one up to `upToID` when
    /// not 0); ids of other readers' messages are ignored. Returns how many were marked.
    func markMessagesRead(readerID: Int64, ids: [Int64], upToID: Int64) async throws -> Int

    /// Readers in id order after `afterID`, with `status` (any when 0), whose email or
    /// display name starts with `prefix` (ignoring ASCII case; any when empty).
    func readers(afterID: Int64, status: Int, prefix: String, limit: Int) async throws -> [ReaderRecord]
    /// The readers with these ids that exist, in the order of `ids`.
    func readers(ids: [Int64]) async throws -> [ReaderRecord]
    /// Sets a reader's status (1 active, 2 suspended); nil when there is no such reader.
    func setReaderStatus(id: Int64, status: Int) async throws -> ReaderRecord?
    /// Erases the reader and every row of its data (events, state, milestones, messages,
    /// sessions) in one transaction; nil when there is no such reader. Audit rows stay.
    func deleteReader(id: Int64) async throws -> DeletedReader?
    /// Raises readers' last-seen times (never lowers one): many readers in one write.
    func recordLastSeen(_ lastSeen: [Int64: Int64]) async throws

    /// Stores a service key (by its secret's hash). - Throws: `conflict` when the name is taken.
    func createServiceKey(name: String, keyHash: [UInt8]) async throws -> ServiceKeyRecord
    func serviceKey(keyHash: [UInt8]) async throws -> ServiceKeyRecord?
    /// Revokes a key (keeping the first revocation time); nil when there is no such key.
    func revokeServiceKey(id: Int64) async throws -> ServiceKeyRecord?

    /// Appends an audit row (stamped with the commit's time) and returns it.
    func audit(_ entry: AuditRecord) async throws -> AuditRecord
    /// The audit rows that match `filter`, newest first, with ids below `beforeID` (all when nil).
    func auditEntries(_ filter: AuditFilter, beforeID: Int64?, limit: Int) async throws -> [AuditRecord]
    /// Sets a consultant's role; nil when there is no such consultant.
    func setConsultantRole(id: Int64, role: Int) async throws -> ConsultantRecord?
    /// Suspends or reinstates a consultant; nil when there is no such consultant.
    func setConsultantSuspended(id: Int64, suspended: Bool) async throws -> ConsultantRecord?

    /// The secret called `name`, made by `make` and stored the first time it is asked for.
    func secret(named name: String, make: @escaping @Sendable () -> [UInt8]) async throws -> [UInt8]

    /// Calls `subscriber` with every batch committed from now on that added activity, in
    /// commit order, before `feedPosition` moves past the batch.
    func subscribe(_ subscriber: @escaping @Sendable (CommittedBatch) -> Void)
    /// The position of the last activity committed and handed to subscribers.
    var feedPosition: Int64 { get }
    /// Committed activity after `position`, in position order, with no gap: every activity
    /// after `position` up to the last one returned. At most `limit` items, and few enough
    /// that each table's rows stay near `stopAfterBytes`; none once nothing follows
    /// `position`. Milestones appear once, at the position of their latest update; events of
    /// deleted readers no longer appear.
    /// - Throws: `archived` when `position` is below the last event ArchiveEvents moved out
    ///   (the message names that position).
    func activity(after position: Int64, limit: Int, stopAfterBytes: Int) async throws -> [Activity]
    /// When each event received at or after `sinceMs` was received, oldest first.
    func eventReceiptTimes(sinceMs: Int64) async throws -> [Int64]
    /// Counts for the dashboard; a milestone started and not updated since
    /// `stuckBeforeMs` makes its reader stuck.
    func dashboardCounts(stuckBeforeMs: Int64) async throws -> DashboardCounts

    /// Copies the database to a new file at `path` while writes continue, `pagesPerStep`
    /// pages at a time, yielding progress after each step. The copy holds every write
    /// committed before the backup started. Ending the stream before the backup finishes
    /// abandons it at its next step and removes the partial file.
    func backup(to path: String, pagesPerStep: Int) -> AsyncThrowingStream<BackupStep, any Error>
    func checkpoint(_ mode: CheckpointKind) async throws -> CheckpointOutcome
    /// `["ok"]` for a sound database, otherwise the problems found.
    func integrityCheck() async throws -> [String]
    /// Moves the events received before `beforeMs` into the SQLite file at `path`
    /// (created, or appended to: an event already there is not copied twice), in
    /// transactions of a few thousand events so that other writes go on. Returns how many
    /// moved.
    func archiveEvents(beforeMs: Int64, to path: String) async throws -> Int
    func stats() async throws -> StoreStats

    /// Fails waiting and later calls with `closed`, lets the running batch finish and
    /// closes every connection.
    func close() async
}

/// The deadline of the call being served, read by the store to bound waits.
public enum StoreDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?
}

/// Progress of a backup.
public struct BackupStep: Sendable, Hashable {
    public var pagesTotal: Int
    public var pagesCopied: Int
    public var done: Bool
    public var pageSize: Int
}

/// SQLite's checkpoint modes (https://www.sqlite.org/c3ref/wal_checkpoint_v2.html).
public enum CheckpointKind: String, Sendable, CaseIterable {
    case passive, full, restart, truncate
}

public struct CheckpointOutcome: Sendable, Hashable {
    /// Frames in the WAL.
    public var walFrames: Int
    /// Frames copied into the database.
    public var checkpointedFrames: Int
    /// A reader or writer kept the checkpoint from completing.
    public var busy: Bool
}

extension Store {
    /// A reader's events with no bound on their bytes (`events(…, stopAfterBytes:)`); the
    /// same for milestones and messages below.
    /// A reader's events (`eventPage(…)`'s events).
    public func events(
        readerID: Int64, beforeID: Int64?, limit: Int, sinceMs: Int64, untilMs: Int64, types: [String], stopAfterBytes: Int
    ) async throws -> [StoredEvent] {
        try await eventPage(
            readerID: readerID, beforeID: beforeID, limit: limit, sinceMs: sinceMs, untilMs: untilMs, types: types, stopAfterBytes: stopAfterBytes
        ).events
    }

    public func events(
        readerID: Int64, beforeID: Int64?, limit: Int, sinceMs: Int64 = 0, untilMs: Int64 = 0, types: [String] = []
    ) async throws -> [StoredEvent] {
        try await events(readerID: readerID, beforeID: beforeID, limit: limit, sinceMs: sinceMs, untilMs: untilMs, types: types, stopAfterBytes: .max)
    }

    /// A reader's milestones with no bound on their bytes.
    public func milestones(readerID: Int64, afterContentID: String, limit: Int) async throws -> [MilestoneRecord] {
        try await milestones(readerID: readerID, afterContentID: afterContentID, limit: limit, stopAfterBytes: .max)
    }

    /// A reader's messages with no bound on their bytes.
    public func messages(readerID: Int64, beforeID: Int64?, limit: Int, unreadOnly: Bool) async throws -> [MessageRecord] {
        try await messages(readerID: readerID, beforeID: beforeID, limit: limit, unreadOnly: unreadOnly, stopAfterBytes: .max)
    }
}
