/// `lectern.v1.CheckpointMode`: SQLite's `wal_checkpoint` modes.
public struct CheckpointMode: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = CheckpointMode(rawValue: 0)
    public static let passive = CheckpointMode(rawValue: 1)
    public static let full = CheckpointMode(rawValue: 2)
    public static let restart = CheckpointMode(rawValue: 3)
    public static let truncate = CheckpointMode(rawValue: 4)

    public static let protoName = "lectern.v1.CheckpointMode"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("CHECKPOINT_MODE_UNSPECIFIED", 0),
        ("CHECKPOINT_MODE_PASSIVE", 1),
        ("CHECKPOINT_MODE_FULL", 2),
        ("CHECKPOINT_MODE_RESTART", 3),
        ("CHECKPOINT_MODE_TRUNCATE", 4),
    ]
}
