/// What a write command sees while it runs on the writer thread inside the batch's
/// transaction: the write connection, the batch's clock, and a place to record the
/// changes that subscribers receive once the batch has committed.
final class WriteContext {
    let connection: Connection
    /// Wall-clock time of the batch, in unix milliseconds: every command of a batch
    /// stamps its rows with the same time.
    let nowMs: Int64
    /// Changes recorded by the command now running; dropped if it rolls back.
    private(set) var pendingChanges: [StoreChange] = []

    init(connection: Connection, nowMs: Int64) {
        self.connection = connection
        self.nowMs = nowMs
    }

    /// Records a change to publish after commit.
    func emit(_ change: StoreChange) {
        pendingChanges.append(change)
    }

    func takeChanges() -> [StoreChange] {
        defer { pendingChanges.removeAll(keepingCapacity: true) }
        return pendingChanges
    }
}
