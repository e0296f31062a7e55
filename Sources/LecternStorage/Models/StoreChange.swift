/// A change the writer committed, for the live feed.
public enum StoreChange: Sendable, Hashable {
    /// New events of one reader (duplicates are not repeated here).
    case eventsAppended([StoredEvent])
}

/// The changes of one committed batch, in commit order.
public struct CommittedBatch: Sendable {
    public var changes: [StoreChange]
    /// When the batch committed, in unix milliseconds.
    public var committedAtMs: Int64
}
