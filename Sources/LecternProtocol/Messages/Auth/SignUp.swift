/// `lectern.v1.SignUpRequest`: AuthService.SignUp's request.
public struct SignUpRequest: ProtoMessage {
    public var email = ""
    public var password = ""
    public var displayName = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(email, field: 1)
        writer.writeString(password, field: 2)
        writer.writeString(displayName, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: email = try reader.readString(tag)
        case 2: password = try reader.readString(tag)
        case 3: displayName = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SignUpRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "email", .string),
        .init(2, "password", .string),
        .init(3, "display_name", .string),
    ]
}

/// `lectern.v1.SignUpResponse`: the new reader and its first token.
public struct SignUpResponse: ProtoMessage {
    public var reader: Reader?
    public var token = ""
    public var expiresAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(reader, field: 1)
        writer.writeString(token, field: 2)
        writer.writeInt64(expiresAtMs, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: self.reader = try reader.readMessage(tag, merging: self.reader)
        case 2: token = try reader.readString(tag)
        case 3: expiresAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SignUpResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader", .message(Reader.self)),
        .init(2, "token", .string),
        .init(3, "expires_at_ms", .int64),
    ]
}
