/// An event as a reader submits it; (reader, client session, sequence) is its identity.
public struct NewEvent: Sendable, Hashable {
    public var clientSessionID: String
    public var sequence: UInt64
    public var type: String
    public var occurredAtMs: Int64
    public var contentID: String
    public var progress: Double?
    public var payload: [UInt8]

    public init(
        clientSessionID: String, sequence: UInt64, type: String, occurredAtMs: Int64,
        contentID: String = "", progress: Double? = nil, payload: [UInt8] = []
    ) {
        self.clientSessionID = clientSessionID
        self.sequence = sequence
        self.type = type
        self.occurredAtMs = occurredAtMs
        self.contentID = contentID
        self.progress = progress
        self.payload = payload
    }
}

/// A page of a reader's events, newest first.
public struct EventPage: Sendable, Hashable {
    /// The most of a reader's events a filtered page reads. A filter that matches few of
    /// a long history read all of it for every page: 35 ms a call at 200,000 events, on one
    /// of the read pool's connections, for any reader who asked.
    public static let scanLimit = 20_000

    public var events: [StoredEvent]
    /// Set when the page is filtered, read `scanLimit` events and found fewer than it was
    /// asked for, and older events remain: the oldest id it read. The next page asks for
    /// the events below it (a page cut short by its bytes continues after its last event).
    public var scannedDownTo: Int64?

    public init(events: [StoredEvent], scannedDownTo: Int64? = nil) {
        self.events = events
        self.scannedDownTo = scannedDownTo
    }
}

/// A stored event.
public struct StoredEvent: Sendable, Hashable {
    /// Increasing in commit order.
    public var id: Int64
    public var readerID: Int64
    public var clientSessionID: String
    public var sequence: UInt64
    public var type: String
    public var occurredAtMs: Int64
    public var receivedAtMs: Int64
    public var contentID: String
    public var progress: Double?
    public var payload: [UInt8]

    /// A bound on the event's encoded size: its variable-length fields plus 80 bytes for the rest.
    public var sizeBound: Int { payload.count + clientSessionID.utf8.count + type.utf8.count + contentID.utf8.count + 80 }
}

/// The outcome for one submitted event.
public struct AppendOutcome: Sendable, Hashable {
    /// The stored event's id (the first copy's, for a duplicate).
    public var eventID: Int64
    /// The event had been stored before and was not stored again.
    public var duplicate: Bool

    public init(eventID: Int64, duplicate: Bool) {
        self.eventID = eventID
        self.duplicate = duplicate
    }
}

/// What Lectern keeps current about a reader.
public struct ReaderStateRecord: Sendable, Hashable {
    public var readerID: Int64
    public var eventCount: Int64 = 0
    public var lastEventAtMs: Int64 = 0
    public var lastEventType = ""
    public var currentContentID = ""
    public var progress: Double?
    public var milestonesCompleted: Int = 0
    public var unreadMessages: Int = 0
    public var lastSeenAtMs: Int64 = 0
}
