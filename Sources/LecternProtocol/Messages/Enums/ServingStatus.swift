/// `lectern.v1.ServingStatus`.
public struct ServingStatus: ProtoEnum {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let unspecified = ServingStatus(rawValue: 0)
    public static let serving = ServingStatus(rawValue: 1)
    public static let notServing = ServingStatus(rawValue: 2)
    public static let serviceUnknown = ServingStatus(rawValue: 3)

    public static let protoName = "lectern.v1.ServingStatus"
    public static let protoValues: [(name: String, number: Int32)] = [
        ("SERVING_STATUS_UNSPECIFIED", 0),
        ("SERVING_STATUS_SERVING", 1),
        ("SERVING_STATUS_NOT_SERVING", 2),
        ("SERVING_STATUS_SERVICE_UNKNOWN", 3),
    ]
}
