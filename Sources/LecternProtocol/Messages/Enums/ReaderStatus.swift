/// `lectern.v1.ReaderStatus`.
public struct ReaderStatus: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = ReaderStatus(rawValue: 0)
    public static let active = ReaderStatus(rawValue: 1)
    public static let suspended = ReaderStatus(rawValue: 2)

    public static let protoName = "lectern.v1.ReaderStatus"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("READER_STATUS_UNSPECIFIED", 0),
        ("READER_STATUS_ACTIVE", 1),
        ("READER_STATUS_SUSPENDED", 2),
    ]
}
