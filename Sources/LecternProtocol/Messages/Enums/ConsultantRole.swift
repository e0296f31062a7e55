/// `lectern.v1.ConsultantRole`: what a consultant may do; each role includes the ones before it.
public struct ConsultantRole: ProtoEnum, Comparable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = ConsultantRole(rawValue: 0)
    public static let viewer = ConsultantRole(rawValue: 1)
    public static let supervisor = ConsultantRole(rawValue: 2)
    public static let admin = ConsultantRole(rawValue: 3)

    public static func < (lhs: ConsultantRole, rhs: ConsultantRole) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let protoName = "lectern.v1.ConsultantRole"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("CONSULTANT_ROLE_UNSPECIFIED", 0),
        ("CONSULTANT_ROLE_VIEWER", 1),
        ("CONSULTANT_ROLE_SUPERVISOR", 2),
        ("CONSULTANT_ROLE_ADMIN", 3),
    ]
}
