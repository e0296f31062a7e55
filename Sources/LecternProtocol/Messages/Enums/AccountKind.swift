/// `lectern.v1.AccountKind`: the kind of account a token belongs to.
public struct AccountKind: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = AccountKind(rawValue: 0)
    public static let reader = AccountKind(rawValue: 1)
    public static let consultant = AccountKind(rawValue: 2)

    public static let protoName = "lectern.v1.AccountKind"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("ACCOUNT_KIND_UNSPECIFIED", 0),
        ("ACCOUNT_KIND_READER", 1),
        ("ACCOUNT_KIND_CONSULTANT", 2),
    ]
}
