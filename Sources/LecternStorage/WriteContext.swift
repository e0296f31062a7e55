/// What a write command sees while it runs on the writer thread inside the batch's
/// transaction: the write connection, the batch's clock, the feed's next positions, and a
/// place to record the activity that subscribers receive once the batch has committed.
final class WriteContext {
    let connection: Connection
    /// Wall-clock time of the batch, in unix milliseconds: every command of a batch
    /// stamps its rows with the same time.
    let nowMs: Int64
    /// The last feed position given. Positions given by a command that rolls back are
    /// not given again: the feed may skip a position, never repeat one.
    private(set) var position: Int64
    /// Activity recorded by the command now running; dropped if it rolls back.
    private(set) var pendingActivity: [Activity] = []

    init(connection: Connection, nowMs: Int64, position: Int64) {
        self.connection = connection
        self.nowMs = nowMs
        self.position = position
    }

    /// The position the next row of the feed gets; `publish(_:)` takes it.
    var nextPosition: Int64 { position + 1 }

    /// Records that `item`, stored at `nextPosition`, is to be published after commit.
    func publish(_ item: Activity.Item) {
        position += 1
        pendingActivity.append(Activity(position: position, committedAtMs: nowMs, item: item))
    }

    func takeActivity() -> [Activity] {
        defer { pendingActivity.removeAll(keepingCapacity: true) }
        return pendingActivity
    }
}
