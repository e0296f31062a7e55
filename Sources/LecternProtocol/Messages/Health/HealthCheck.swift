/// `lectern.v1.HealthCheckRequest`: HealthService.Check's and Watch's request.
public struct HealthCheckRequest: ProtoMessage {
    /// A service such as "lectern.v1.ReaderService"; empty for the whole server.
    public var service = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(service, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: service = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.HealthCheckRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "service", .string),
    ]
}

/// `lectern.v1.HealthCheckResponse`.
public struct HealthCheckResponse: ProtoMessage {
    public var status = ServingStatus.unspecified

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeEnum(status, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: status = try reader.readEnum(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.HealthCheckResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "status", .enumeration(ServingStatus.self)),
    ]
}
