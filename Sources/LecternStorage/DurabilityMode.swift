/// What an acknowledged write survives, by SQLite's `synchronous` setting in WAL mode.
///
/// From https://www.sqlite.org/pragma.html#pragma_synchronous and
/// https://www.sqlite.org/wal.html#performance_considerations:
/// - `normal` (`synchronous = NORMAL`): the WAL is synced at checkpoints, not at each
///   commit. A committed transaction survives the crash of the process (`kill -9`),
///   because it is in the WAL in the OS's cache; after a power loss or OS crash the last
///   transactions may be rolled back. The database is never corrupted.
/// - `full` (`synchronous = FULL`): the WAL is synced at every commit, so a committed
///   transaction also survives a power loss or OS crash. Group commit makes this one
///   sync per batch, not per write.
public enum DurabilityMode: String, Sendable, CaseIterable {
    case normal
    case full

    var synchronousPragma: String {
        switch self {
        case .normal: "NORMAL"
        case .full: "FULL"
        }
    }
}
