/// `lectern.v1.CreateServiceKeyRequest`.
public struct CreateServiceKeyRequest: ProtoMessage {
    public var name = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(name, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: name = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CreateServiceKeyRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "name", .string),
    ]
}

/// `lectern.v1.CreateServiceKeyResponse`: the key and, this once, its secret.
public struct CreateServiceKeyResponse: ProtoMessage {
    public var key: ServiceKey?
    public var secret = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(key, field: 1)
        writer.writeString(secret, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: key = try reader.readMessage(tag, merging: key)
        case 2: secret = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CreateServiceKeyResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "key", .message(ServiceKey.self)),
        .init(2, "secret", .string),
    ]
}
