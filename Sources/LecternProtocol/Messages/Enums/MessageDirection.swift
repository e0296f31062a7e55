/// `lectern.v1.MessageDirection`.
public struct MessageDirection: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = MessageDirection(rawValue: 0)
    public static let readerToConsultant = MessageDirection(rawValue: 1)
    public static let consultantToReader = MessageDirection(rawValue: 2)

    public static let protoName = "lectern.v1.MessageDirection"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("MESSAGE_DIRECTION_UNSPECIFIED", 0),
        ("MESSAGE_DIRECTION_READER_TO_CONSULTANT", 1),
        ("MESSAGE_DIRECTION_CONSULTANT_TO_READER", 2),
    ]
}
