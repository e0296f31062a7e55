/// `lectern.v1.WhoAmIRequest`.
public struct WhoAmIRequest: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.WhoAmIRequest"
}

/// `lectern.v1.WhoAmIResponse`: who the caller is.
public struct WhoAmIResponse: ProtoMessage {
    /// The `account` oneof.
    public enum Account: Hashable, Sendable {
        case reader(Reader)
        case consultant(Consultant)
    }

    public var kind = PrincipalKind.unspecified
    public var account: Account?
    /// 0 when the credential does not expire.
    public var expiresAtMs: Int64 = 0
    public var serviceKeyName = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeEnum(kind, field: 1)
        switch account {
        case .reader(let reader): writer.writeMessage(reader, field: 2)
        case .consultant(let consultant): writer.writeMessage(consultant, field: 3)
        case nil: break
        }
        writer.writeInt64(expiresAtMs, field: 4)
        writer.writeString(serviceKeyName, field: 5)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: kind = try reader.readEnum(tag)
        case 2:
            guard case .reader(let existing) = account else {
                account = .reader(try reader.readMessage(tag, merging: nil))
                return
            }
            account = .reader(try reader.readMessage(tag, merging: existing))
        case 3:
            guard case .consultant(let existing) = account else {
                account = .consultant(try reader.readMessage(tag, merging: nil))
                return
            }
            account = .consultant(try reader.readMessage(tag, merging: existing))
        case 4: expiresAtMs = try reader.readInt64(tag)
        case 5: serviceKeyName = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.WhoAmIResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "kind", .enumeration(PrincipalKind.self)),
        .oneof("account", 2, "reader", .message(Reader.self)),
        .oneof("account", 3, "consultant", .message(Consultant.self)),
        .init(4, "expires_at_ms", .int64),
        .init(5, "service_key_name", .string),
    ]
}
