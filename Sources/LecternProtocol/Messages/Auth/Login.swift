/// `lectern.v1.LoginRequest`: AuthService.Login's request.
public struct LoginRequest: ProtoMessage {
    public var email = ""
    public var password = ""
    public var accountKind = AccountKind.unspecified

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(email, field: 1)
        writer.writeString(password, field: 2)
        writer.writeEnum(accountKind, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: email = try reader.readString(tag)
        case 2: password = try reader.readString(tag)
        case 3: accountKind = try reader.readEnum(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.LoginRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "email", .string),
        .init(2, "password", .string),
        .init(3, "account_kind", .enumeration(AccountKind.self)),
    ]
}

/// `lectern.v1.LoginResponse`: a new token.
public struct LoginResponse: ProtoMessage {
    public var token = ""
    public var expiresAtMs: Int64 = 0
    public var accountKind = AccountKind.unspecified
    public var accountID: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(token, field: 1)
        writer.writeInt64(expiresAtMs, field: 2)
        writer.writeEnum(accountKind, field: 3)
        writer.writeInt64(accountID, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: token = try reader.readString(tag)
        case 2: expiresAtMs = try reader.readInt64(tag)
        case 3: accountKind = try reader.readEnum(tag)
        case 4: accountID = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.LoginResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "token", .string),
        .init(2, "expires_at_ms", .int64),
        .init(3, "account_kind", .enumeration(AccountKind.self)),
        .init(4, "account_id", .int64),
    ]
}
