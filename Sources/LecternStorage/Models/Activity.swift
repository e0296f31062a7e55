/// One committed change of the activity feed: a new event, a milestone's update or a
/// message. The writer gives each a position, increasing in commit order and never given
/// twice, so a position is a cursor into the feed.
public struct Activity: Sendable, Hashable {
    public enum Item: Sendable, Hashable {
        case event(StoredEvent)
        case milestone(MilestoneRecord)
        case message(MessageRecord)
    }

    public var position: Int64
    /// When it committed, in unix milliseconds.
    public var committedAtMs: Int64
    public var item: Item

    public init(position: Int64, committedAtMs: Int64, item: Item) {
        self.position = position
        self.committedAtMs = committedAtMs
        self.item = item
    }

    public var readerID: Int64 {
        switch item {
        case .event(let event): event.readerID
        case .milestone(let milestone): milestone.readerID
        case .message(let message): message.readerID
        }
    }
}

/// What one committed batch added to the feed, in commit order.
public struct CommittedBatch: Sendable {
    public var activities: [Activity]
    /// When the batch committed, in unix milliseconds.
    public var committedAtMs: Int64
    /// The feed's position once the batch committed: the last position given so far.
    public var position: Int64
}
