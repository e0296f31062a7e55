/// `lectern.v1.ActorKind`: who did something recorded in the audit log.
public struct ActorKind: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = ActorKind(rawValue: 0)
    public static let consultant = ActorKind(rawValue: 1)
    public static let socketOwner = ActorKind(rawValue: 2)
    public static let serviceKey = ActorKind(rawValue: 3)

    public static let protoName = "lectern.v1.ActorKind"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("ACTOR_KIND_UNSPECIFIED", 0),
        ("ACTOR_KIND_CONSULTANT", 1),
        ("ACTOR_KIND_SOCKET_OWNER", 2),
        ("ACTOR_KIND_SERVICE_KEY", 3),
    ]
}
