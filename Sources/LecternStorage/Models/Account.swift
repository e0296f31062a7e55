/// A consultant account to create.
public struct NewConsultant: Sendable, Hashable {
    public var email: String
    public var displayName: String
    /// An encoded password hash (argon2id); never the password.
    public var passwordHash: String
    /// 1 viewer, 2 supervisor, 3 admin (ConsultantRole in Protos).
    public var role: Int

    public init(email: String, displayName: String, passwordHash: String, role: Int) {
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.role = role
    }
}

/// A stored consultant account.
public struct ConsultantRecord: Sendable, Hashable {
    public var id: Int64
    public var email: String
    public var displayName: String
    public var passwordHash: String
    public var role: Int
    public var createdAtMs: Int64
    /// Suspended by an admin: no call, no login.
    public var suspended = false
}

/// Whose a session is: 1 a reader, 2 a consultant (AccountKind in Protos).
public struct SessionRecord: Sendable, Hashable {
    /// The hash of the token; the token itself is never stored.
    public var tokenHash: [UInt8]
    public var accountKind: Int
    public var accountID: Int64
    public var createdAtMs: Int64
    public var expiresAtMs: Int64
    /// 0 while the session is valid.
    public var revokedAtMs: Int64

    public init(tokenHash: [UInt8], accountKind: Int, accountID: Int64, createdAtMs: Int64, expiresAtMs: Int64, revokedAtMs: Int64 = 0) {
        self.tokenHash = tokenHash
        self.accountKind = accountKind
        self.accountID = accountID
        self.createdAtMs = createdAtMs
        self.expiresAtMs = expiresAtMs
        self.revokedAtMs = revokedAtMs
    }
}

/// A reader's milestone in a piece of content.
public struct MilestoneRecord: Sendable, Hashable {
    public var readerID: Int64
    public var contentID: String
    /// 1 started, 2 completed (MilestoneStatus in Protos).
    public var status: Int
    public var score: Double
    public var startedAtMs: Int64
    public var updatedAtMs: Int64
    public var completedAtMs: Int64
    /// Application data, as a JSON object of strings.
    public var attributesJSON: String
    /// The feed position of its latest update.
    public var feedPosition: Int64

    /// A bound on the milestone's encoded size: its variable-length fields plus 80 bytes.
    public var sizeBound: Int { contentID.utf8.count + attributesJSON.utf8.count + 80 }
}

/// A message between a reader and the consultants.
public struct MessageRecord: Sendable, Hashable {
    public var id: Int64
    public var readerID: Int64
    /// 0 when the reader sent it.
    public var consultantID: Int64
    /// 1 reader to consultant, 2 consultant to reader (MessageDirection in Protos).
    public var direction: Int
    public var body: String
    public var sentAtMs: Int64
    public var readAtMs: Int64

    /// A bound on the message's encoded size: its body plus 64 bytes.
    public var sizeBound: Int { body.utf8.count + 64 }
}

/// One audited action: who looked at or changed what, when, from which process.
public struct AuditRecord: Sendable, Hashable {
    public var id: Int64
    public var atMs: Int64
    /// 1 consultant, 2 socket owner, 3 service key (ActorKind in Protos).
    public var actorKind: Int
    public var actorID: Int64
    /// The RPC, such as "ConsultantService.ListReaderEvents".
    public var action: String
    /// The reader concerned, or 0.
    public var readerID: Int64
    public var peerPID: Int32
    public var peerUID: UInt32
    public var detail: String

    public init(id: Int64 = 0, atMs: Int64 = 0, actorKind: Int, actorID: Int64, action: String, readerID: Int64, peerPID: Int32, peerUID: UInt32, detail: String = "") {
        self.id = id
        self.atMs = atMs
        self.actorKind = actorKind
        self.actorID = actorID
        self.action = action
        self.readerID = readerID
        self.peerPID = peerPID
        self.peerUID = peerUID
        self.detail = detail
    }
}

/// Which audit rows to list; every set filter must match.
public struct AuditFilter: Sendable, Hashable {
    /// Rows by this consultant, when not 0.
    public var consultantID: Int64 = 0
    /// Rows about this reader, when not 0.
    public var readerID: Int64 = 0
    /// Rows of this action, when not empty.
    public var action = ""
    /// Rows at or after this time, when not 0.
    public var sinceMs: Int64 = 0
    /// Rows before this time, when not 0.
    public var untilMs: Int64 = 0

    public init(consultantID: Int64 = 0, readerID: Int64 = 0, action: String = "", sinceMs: Int64 = 0, untilMs: Int64 = 0) {
        self.consultantID = consultantID
        self.readerID = readerID
        self.action = action
        self.sinceMs = sinceMs
        self.untilMs = untilMs
    }
}

/// A gateway's long-lived key; only the hash of its secret is stored.
public struct ServiceKeyRecord: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var createdAtMs: Int64
    /// 0 while the key is valid.
    public var revokedAtMs: Int64
}

/// What deleting a reader erased.
public struct DeletedReader: Sendable, Hashable {
    public var events: Int
    public var milestones: Int
    public var messages: Int
    public var sessions: Int
}

/// The dashboard's figures that come from the database.
public struct DashboardCounts: Sendable, Hashable {
    /// Readers with a milestone started and not updated since the cut-off.
    public var stuckReaders: Int
    /// Reader-to-consultant messages nobody has read.
    public var unreadMessages: Int
    public var totalReaders: Int
}
