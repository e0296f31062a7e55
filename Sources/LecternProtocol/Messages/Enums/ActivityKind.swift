/// `lectern.v1.ActivityKind`: what a Watch stream carries.
public struct ActivityKind: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = ActivityKind(rawValue: 0)
    public static let event = ActivityKind(rawValue: 1)
    public static let presence = ActivityKind(rawValue: 2)
    public static let milestone = ActivityKind(rawValue: 3)
    public static let message = ActivityKind(rawValue: 4)

    public static let protoName = "lectern.v1.ActivityKind"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("ACTIVITY_KIND_UNSPECIFIED", 0),
        ("ACTIVITY_KIND_EVENT", 1),
        ("ACTIVITY_KIND_PRESENCE", 2),
        ("ACTIVITY_KIND_MILESTONE", 3),
        ("ACTIVITY_KIND_MESSAGE", 4),
    ]
}
