/// `lectern.v1.MilestoneStatus`.
public struct MilestoneStatus: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = MilestoneStatus(rawValue: 0)
    public static let started = MilestoneStatus(rawValue: 1)
    public static let completed = MilestoneStatus(rawValue: 2)

    public static let protoName = "lectern.v1.MilestoneStatus"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("MILESTONE_STATUS_UNSPECIFIED", 0),
        ("MILESTONE_STATUS_STARTED", 1),
        ("MILESTONE_STATUS_COMPLETED", 2),
    ]
}
