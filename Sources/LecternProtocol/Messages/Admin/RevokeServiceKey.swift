/// `lectern.v1.RevokeServiceKeyRequest`.
public struct RevokeServiceKeyRequest: ProtoMessage {
    public var serviceKeyID: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(serviceKeyID, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: serviceKeyID = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.RevokeServiceKeyRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "service_key_id", .int64),
    ]
}

/// `lectern.v1.RevokeServiceKeyResponse`.
public struct RevokeServiceKeyResponse: ProtoMessage {
    public var key: ServiceKey?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(key, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: key = try reader.readMessage(tag, merging: key)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.RevokeServiceKeyResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "key", .message(ServiceKey.self)),
    ]
}
