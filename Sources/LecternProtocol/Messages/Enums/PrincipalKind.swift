/// `lectern.v1.PrincipalKind`: how a caller was authenticated.
public struct PrincipalKind: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = PrincipalKind(rawValue: 0)
    public static let reader = PrincipalKind(rawValue: 1)
    public static let consultant = PrincipalKind(rawValue: 2)
    public static let serviceKey = PrincipalKind(rawValue: 3)
    public static let socketOwner = PrincipalKind(rawValue: 4)

    public static let protoName = "lectern.v1.PrincipalKind"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("PRINCIPAL_KIND_UNSPECIFIED", 0),
        ("PRINCIPAL_KIND_READER", 1),
        ("PRINCIPAL_KIND_CONSULTANT", 2),
        ("PRINCIPAL_KIND_SERVICE_KEY", 3),
        ("PRINCIPAL_KIND_SOCKET_OWNER", 4),
    ]
}
