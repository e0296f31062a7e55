/// Every statement the store prepares. Kept in one place so that a test can read each
/// one's `EXPLAIN QUERY PLAN` and fail on a full scan of a large table; in debug builds
/// `Connection.prepare` refuses SQL that is not listed here.
enum SQL {
    static let appliedMigrations = "SELECT version, checksum FROM schema_migrations ORDER BY version"
    static let recordMigration = "INSERT INTO schema_migrations (version, name, checksum, applied_at_ms) VALUES (?, ?, ?, ?)"
    static let userTables = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

    /// A new reader's id is one above the highest ever given, which `recordReaderID` keeps:
    /// a deleted reader's id is never given again (the highest id in the table alone would
    /// be, when the newest reader is deleted). The table's highest counts too, for rows
    /// written before the counter was (a bulk load).
    static let insertReader = """
        INSERT INTO readers (id, email, display_name, password_hash, created_at_ms)
        VALUES (max(coalesce((SELECT value FROM counters WHERE name = 'last_reader_id'), 0),
                    coalesce((SELECT max(id) FROM readers), 0)) + 1, ?, ?, ?, ?)
        RETURNING id
        """
    static let recordReaderID = """
        INSERT INTO counters (name, value) VALUES ('last_reader_id', ?1)
        ON CONFLICT (name) DO UPDATE SET value = max(value, ?1)
        """
    static let readerByID = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms FROM readers WHERE id = ?
        """

    static let readerByEmail = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms FROM readers WHERE email = ?
        """

    static let insertConsultant = """
        INSERT INTO consultants (email, display_name, password_hash, role, created_at_ms) VALUES (?, ?, ?, ?, ?) RETURNING id
        """
    /// What `SQLiteStore.consultantRecord` reads, in its order.
    private static let consultantColumns = "id, email, display_name, password_hash, role, created_at_ms, suspended"
    static let consultantByID = """
        SELECT \(consultantColumns) FROM consultants WHERE id = ?
        """
    static let consultantByEmail = """
        SELECT \(consultantColumns) FROM consultants WHERE email = ?
        """

    static let insertSession = """
        INSERT INTO sessions (token_hash, account_kind, account_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, ?, ?)
        """
    /// An account's sessions that expired before a time (through `sessions_account`).
    static let deleteExpiredSessions = """
        DELETE FROM sessions WHERE account_kind = ? AND account_id = ? AND expires_at_ms < ?
        """
    static let sessionByHash = """
        SELECT token_hash, account_kind, account_id, created_at_ms, expires_at_ms, revoked_at_ms FROM sessions WHERE token_hash = ?
        """
    static let revokeSession = """
        UPDATE sessions SET revoked_at_ms = ? WHERE token_hash = ? AND revoked_at_ms = 0
        """

    static let secretByName = "SELECT value FROM server_secrets WHERE name = ?"
    static let insertSecret = "INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"

    static let milestone = """
        SELECT reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes, feed_position
        FROM milestones WHERE reader_id = ? AND content_id = ?
        """
    static let upsertMilestone = """
        INSERT INTO milestones (reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes, feed_position)
        VALUES (?1, ?2, ?3, ?4, ?5, ?5, CASE ?3 WHEN 2 THEN ?5 ELSE 0 END, ?6, ?7)
        ON CONFLICT (reader_id, content_id) DO UPDATE SET
          status = excluded.status,
          feed_position = excluded.feed_position,
          score = excluded.score,
          updated_at_ms = excluded.updated_at_ms,
          completed_at_ms = CASE WHEN excluded.status = 2 AND completed_at_ms = 0 THEN excluded.updated_at_ms
                                 WHEN excluded.status = 2 THEN completed_at_ms ELSE 0 END,
          attributes = CASE excluded.attributes WHEN '' THEN attributes ELSE excluded.attributes END
        """
    /// After a milestone changes: the reader's oldest update among their open milestones.
    static let refreshOpenMilestone = """
        INSERT INTO reader_state (reader_id, open_milestone_since_ms)
        VALUES (?1, coalesce((SELECT min(updated_at_ms) FROM milestones WHERE reader_id = ?1 AND status = 1), 0))
        ON CONFLICT (reader_id) DO UPDATE SET open_milestone_since_ms = excluded.open_milestone_since_ms
        """
    static let milestonesPage = """
        SELECT reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes, feed_position
        FROM milestones WHERE reader_id = ? AND content_id > ? ORDER BY content_id LIMIT ?
        """
    static let addMilestonesCompleted = """
        INSERT INTO reader_state (reader_id, milestones_completed) VALUES (?1, ?2)
        ON CONFLICT (reader_id) DO UPDATE SET milestones_completed = max(0, milestones_completed + excluded.milestones_completed)
        """

    static let insertMessage = """
        INSERT INTO messages (id, reader_id, consultant_id, direction, body, sent_at_ms) VALUES (?, ?, ?, ?, ?, ?)
        """
    static let messagesPage = """
        SELECT id, reader_id, consultant_id, direction, body, sent_at_ms, read_at_ms
        FROM messages WHERE reader_id = ?1 AND id < ?2 AND (?4 = 0 OR (read_at_ms = 0 AND direction = 2)) ORDER BY id DESC LIMIT ?3
        """
    static let markMessageRead = """
        UPDATE messages SET read_at_ms = ?3 WHERE id = ?2 AND reader_id = ?1 AND direction = 2 AND read_at_ms = 0
        """
    static let markMessagesReadUpTo = """
        UPDATE messages SET read_at_ms = ?3 WHERE reader_id = ?1 AND id <= ?2 AND direction = 2 AND read_at_ms = 0
        """
    static let addUnreadMessages = """
        INSERT INTO reader_state (reader_id, unread_messages) VALUES (?1, max(0, ?2))
        ON CONFLICT (reader_id) DO UPDATE SET unread_messages = max(0, unread_messages + ?2)
        """

    static let readersPage = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        FROM readers WHERE id > ?1 ORDER BY id LIMIT ?2
        """
    static let readersWithStatus = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        FROM readers WHERE status = ?2 AND id > ?1 ORDER BY id LIMIT ?3
        """
    /// A prefix search through the next `?7` readers in id order: a page when the prefix is
    /// common. Emails are stored in lower case (`?3`, `?4`); names compare ignoring ASCII case.
    static let readersByPrefixInWindow = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        FROM (SELECT * FROM readers WHERE id > ?1 ORDER BY id LIMIT ?7)
        WHERE (?2 = 0 OR status = ?2)
          AND ((email >= ?3 AND email < ?4) OR (display_name >= ?5 COLLATE NOCASE AND display_name < ?6 COLLATE NOCASE))
        ORDER BY id LIMIT ?8
        """
    /// How many readers follow `?1`, counted up to `?2`.
    static let readersAfterCount = "SELECT count(*) FROM (SELECT 1 FROM readers WHERE id > ?1 ORDER BY id LIMIT ?2)"
    /// The same search through the email and display-name indexes: the `+` keeps SQLite from
    /// walking the id index, so it reads only the matching entries and sorts them by id. For
    /// a prefix the window found rare.
    static let readersByPrefix = """
        SELECT id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        FROM readers WHERE +id > ?1 AND (?2 = 0 OR status = ?2)
          AND ((email >= ?3 AND email < ?4) OR (display_name >= ?5 COLLATE NOCASE AND display_name < ?6 COLLATE NOCASE))
        ORDER BY id LIMIT ?7
        """
    static let setReaderStatus = """
        UPDATE readers SET status = ?2 WHERE id = ?1
        RETURNING id, email, display_name, password_hash, status, created_at_ms, last_seen_at_ms
        """
    static let raiseLastSeen = "UPDATE readers SET last_seen_at_ms = ?2 WHERE id = ?1 AND last_seen_at_ms < ?2"
    static let deleteReaderEvents = "DELETE FROM events WHERE reader_id = ?"
    static let deleteReaderMilestones = "DELETE FROM milestones WHERE reader_id = ?"
    static let deleteReaderMessages = "DELETE FROM messages WHERE reader_id = ?"
    static let deleteReaderState = "DELETE FROM reader_state WHERE reader_id = ?"
    static let deleteReaderSessions = "DELETE FROM sessions WHERE account_kind = 1 AND account_id = ?"
    static let deleteReader = "DELETE FROM readers WHERE id = ?"
    /// Readers are counted as they come and go, so the dashboard never counts the table.
    static let addReaders = """
        INSERT INTO counters (name, value) VALUES ('readers', max(0, ?1))
        ON CONFLICT (name) DO UPDATE SET value = max(0, value + ?1)
        """
    static let readerCount = "SELECT coalesce((SELECT value FROM counters WHERE name = 'readers'), 0)"
    /// Readers whose oldest open milestone was last updated before ?1: one index range.
    static let stuckReaders = """
        SELECT count(*) FROM reader_state WHERE open_milestone_since_ms > 0 AND open_milestone_since_ms < ?
        """
    static let unreadFromReaders = "SELECT count(*) FROM messages WHERE direction = 1 AND read_at_ms = 0"

    static let insertServiceKey = """
        INSERT INTO service_keys (name, key_hash, created_at_ms) VALUES (?, ?, ?) RETURNING id
        """
    static let serviceKeyByHash = "SELECT id, name, created_at_ms, revoked_at_ms FROM service_keys WHERE key_hash = ?"
    static let revokeServiceKey = """
        UPDATE service_keys SET revoked_at_ms = CASE revoked_at_ms WHEN 0 THEN ?2 ELSE revoked_at_ms END WHERE id = ?1
        RETURNING id, name, created_at_ms, revoked_at_ms
        """

    static let insertAudit = """
        INSERT INTO audit_log (at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """
    // The audit log, newest first, by whichever index the filter allows: ?1 id bound, ?2
    // limit, ?3 reader, ?4 consultant, ?5 action, ?6 since, ?7 until.
    static let auditByReader = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE reader_id = ?3 AND id < ?1 AND \(auditFilter) ORDER BY id DESC LIMIT ?2
        """
    static let auditByConsultant = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE actor_kind = 1 AND actor_id = ?4 AND id < ?1 AND \(auditFilter) ORDER BY id DESC LIMIT ?2
        """
    static let auditByAction = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE action = ?5 AND id < ?1 AND \(auditFilter) ORDER BY id DESC LIMIT ?2
        """
    private static let auditFilter = """
        (?3 = 0 OR reader_id = ?3) AND (?4 = 0 OR (actor_kind = 1 AND actor_id = ?4)) AND (?5 = '' OR action = ?5)
          AND (?6 = 0 OR at_ms >= ?6) AND (?7 = 0 OR at_ms < ?7)
        """

    static let setConsultantRole = """
        UPDATE consultants SET role = ? WHERE id = ?
        RETURNING \(consultantColumns)
        """
    static let consultantsPage = """
        SELECT \(consultantColumns) FROM consultants WHERE id > ? ORDER BY id LIMIT ?
        """
    static let setConsultantSuspended = """
        UPDATE consultants SET suspended = ? WHERE id = ?
        RETURNING \(consultantColumns)
        """
    static let auditPage = """
        SELECT id, at_ms, actor_kind, actor_id, action, reader_id, peer_pid, peer_uid, detail
        FROM audit_log WHERE id < ?1 AND \(auditFilter) ORDER BY id DESC LIMIT ?2
        """

    static let insertEvent = """
        INSERT INTO events (reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload, id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (reader_id, client_session_id, sequence) DO NOTHING
        """
    static let eventIDByIdentity = """
        SELECT id FROM events WHERE reader_id = ? AND client_session_id = ? AND sequence = ?
        """
    static let upsertReaderState = """
        INSERT INTO reader_state (reader_id, event_count, last_event_at_ms, last_event_type, current_content_id, progress)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (reader_id) DO UPDATE SET
          event_count = event_count + excluded.event_count,
          last_event_at_ms = max(last_event_at_ms, excluded.last_event_at_ms),
          last_event_type = excluded.last_event_type,
          current_content_id = CASE excluded.current_content_id WHEN '' THEN current_content_id ELSE excluded.current_content_id END,
          progress = coalesce(excluded.progress, progress)
        """
    /// The id of the reader's `?3 + 1`-th newest event below `?2`: how far down a filtered
    /// page reads (none when fewer remain).
    static let eventsScanFloor = "SELECT id FROM events WHERE reader_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT 1 OFFSET ?3"
    static let eventsPage = """
        SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
        FROM events WHERE reader_id = ?1 AND id < ?2 AND id >= ?7 AND received_at_ms >= ?4 AND (?6 = 0 OR received_at_ms < ?6)
          AND (?5 = '[]' OR type IN (SELECT value FROM json_each(?5)))
        ORDER BY id DESC LIMIT ?3
        """
    /// `eventsPage` with no filter: the page most callers ask for, without the three
    /// filter tests SQLite would evaluate on every row.
    static let eventsPageUnfiltered = """
        SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
        FROM events WHERE reader_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3
        """
    static let readerState = """
        SELECT r.id, r.last_seen_at_ms, s.event_count, s.last_event_at_ms, s.last_event_type, s.current_content_id,
               s.progress, s.milestones_completed, s.unread_messages
        FROM readers r LEFT JOIN reader_state s ON s.reader_id = r.id WHERE r.id = ?
        """

    // The activity feed.
    /// The highest position the database has given: the newest event, message or
    /// milestone update, or the recorded high-water mark if those rows were deleted.
    static let feedPosition = """
        SELECT max(coalesce((SELECT max(id) FROM events), 0), coalesce((SELECT max(id) FROM messages), 0),
                   coalesce((SELECT max(feed_position) FROM milestones), 0),
                   coalesce((SELECT value FROM counters WHERE name = 'feed_position'), 0))
        """
    static let recordFeedPosition = """
        INSERT INTO counters (name, value) VALUES ('feed_position', ?1)
        ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)
        """
    /// The highest feed position of an event ArchiveEvents moved out (0 when none): a
    /// replay from below it would miss events.
    static let archivedThrough = "SELECT coalesce((SELECT value FROM counters WHERE name = 'archived_through'), 0)"
    static let recordArchivedThrough = """
        INSERT INTO counters (name, value) VALUES ('archived_through', ?1)
        ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)
        """
    static let eventsAfter = """
        SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
        FROM events WHERE id > ? ORDER BY id LIMIT ?
        """
    static let messagesAfter = """
        SELECT id, reader_id, consultant_id, direction, body, sent_at_ms, read_at_ms
        FROM messages WHERE id > ? ORDER BY id LIMIT ?
        """
    static let milestonesAfter = """
        SELECT reader_id, content_id, status, score, started_at_ms, updated_at_ms, completed_at_ms, attributes, feed_position
        FROM milestones WHERE feed_position > ? ORDER BY feed_position LIMIT ?
        """
    /// When each event since a time was received, to seed the dashboard's counters (read
    /// from the index alone).
    static let eventTimesSince = "SELECT received_at_ms FROM events WHERE received_at_ms >= ?"

    // Archiving, on the write connection with the archive file attached as `archive`.
    static let attachArchive = "ATTACH DATABASE ? AS archive"
    static let detachArchive = "DETACH DATABASE archive"
    static let createArchiveEvents = """
        CREATE TABLE IF NOT EXISTS archive.events (
          id INTEGER PRIMARY KEY,
          reader_id INTEGER NOT NULL,
          client_session_id TEXT NOT NULL,
          sequence INTEGER NOT NULL,
          type TEXT NOT NULL,
          occurred_at_ms INTEGER NOT NULL,
          received_at_ms INTEGER NOT NULL,
          content_id TEXT NOT NULL,
          progress REAL,
          payload BLOB NOT NULL
        ) STRICT
        """
    /// The oldest events before a time; the copy and the delete pick the same rows.
    static let copyToArchive = """
        INSERT OR IGNORE INTO archive.events
          (id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload)
        SELECT id, reader_id, client_session_id, sequence, type, occurred_at_ms, received_at_ms, content_id, progress, payload
        FROM main.events WHERE received_at_ms < ?1 ORDER BY received_at_ms LIMIT ?2
        """
    /// Only rows the archive holds, the same in every column: a row the copy did not write
    /// stays, and so does one whose id the file holds for other data (a file that is not an
    /// archive of this database). Returns the feed positions of the rows it deleted.
    static let deleteArchived = """
        DELETE FROM main.events WHERE (reader_id, id) IN
          (SELECT reader_id, id FROM main.events WHERE received_at_ms < ?1 ORDER BY received_at_ms LIMIT ?2)
          AND EXISTS (
            SELECT 1 FROM archive.events AS a WHERE a.id = main.events.id
              AND a.reader_id = main.events.reader_id AND a.client_session_id = main.events.client_session_id
              AND a.sequence = main.events.sequence AND a.type = main.events.type
              AND a.occurred_at_ms = main.events.occurred_at_ms AND a.received_at_ms = main.events.received_at_ms
              AND a.content_id = main.events.content_id AND a.progress IS main.events.progress
              AND a.payload = main.events.payload
          )
        RETURNING id
        """
    /// Statements that need the archive attached, so the query-plan test cannot prepare them.
    static let archive = [attachArchive, detachArchive, createArchiveEvents, copyToArchive, deleteArchived]

    // The writer's transaction control, prepared once instead of parsed per command.
    static let begin = "BEGIN IMMEDIATE"
    /// A read transaction: its snapshot starts at the first read and lasts until COMMIT.
    static let beginRead = "BEGIN"
    static let commit = "COMMIT"
    static let rollback = "ROLLBACK"
    static let savepoint = "SAVEPOINT command"
    static let release = "RELEASE command"
    static let rollbackToSavepoint = "ROLLBACK TO command"

    /// Every statement above, by name.
    static let all: [(name: String, sql: String)] = [
        ("appliedMigrations", appliedMigrations), ("recordMigration", recordMigration), ("userTables", userTables),
        ("insertReader", insertReader), ("recordReaderID", recordReaderID), ("readerByID", readerByID), ("readerByEmail", readerByEmail),
        ("insertConsultant", insertConsultant), ("consultantByID", consultantByID), ("consultantByEmail", consultantByEmail),
        ("consultantsPage", consultantsPage), ("setConsultantSuspended", setConsultantSuspended),
        ("insertSession", insertSession), ("deleteExpiredSessions", deleteExpiredSessions), ("sessionByHash", sessionByHash), ("revokeSession", revokeSession),
        ("secretByName", secretByName), ("insertSecret", insertSecret),
        ("readersPage", readersPage), ("insertAudit", insertAudit), ("auditByReader", auditByReader),
        ("setConsultantRole", setConsultantRole), ("auditPage", auditPage), ("auditByConsultant", auditByConsultant), ("auditByAction", auditByAction),
        ("readersByPrefix", readersByPrefix), ("readersWithStatus", readersWithStatus),
        ("readersByPrefixInWindow", readersByPrefixInWindow), ("readersAfterCount", readersAfterCount), ("setReaderStatus", setReaderStatus), ("raiseLastSeen", raiseLastSeen),
        ("deleteReaderEvents", deleteReaderEvents), ("deleteReaderMilestones", deleteReaderMilestones),
        ("deleteReaderMessages", deleteReaderMessages), ("deleteReaderState", deleteReaderState),
        ("deleteReaderSessions", deleteReaderSessions), ("deleteReader", deleteReader), ("addReaders", addReaders),
        ("readerCount", readerCount), ("stuckReaders", stuckReaders), ("unreadFromReaders", unreadFromReaders),
        ("insertServiceKey", insertServiceKey), ("serviceKeyByHash", serviceKeyByHash), ("revokeServiceKey", revokeServiceKey),
        ("milestone", milestone), ("upsertMilestone", upsertMilestone), ("refreshOpenMilestone", refreshOpenMilestone), ("milestonesPage", milestonesPage),
        ("addMilestonesCompleted", addMilestonesCompleted),
        ("insertMessage", insertMessage), ("messagesPage", messagesPage), ("markMessageRead", markMessageRead),
        ("markMessagesReadUpTo", markMessagesReadUpTo), ("addUnreadMessages", addUnreadMessages),
        ("insertEvent", insertEvent), ("eventIDByIdentity", eventIDByIdentity),
        ("upsertReaderState", upsertReaderState), ("eventsPage", eventsPage), ("eventsScanFloor", eventsScanFloor), ("eventsPageUnfiltered", eventsPageUnfiltered), ("readerState", readerState),
        ("feedPosition", feedPosition), ("recordFeedPosition", recordFeedPosition), ("eventsAfter", eventsAfter),
        ("archivedThrough", archivedThrough), ("recordArchivedThrough", recordArchivedThrough),
        ("messagesAfter", messagesAfter), ("milestonesAfter", milestonesAfter), ("eventTimesSince", eventTimesSince),
    ]

    static let known: Set<String> = Set(all.map(\.sql) + archive + [begin, beginRead, commit, rollback, savepoint, release, rollbackToSavepoint])
}
