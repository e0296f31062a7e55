/// `lectern.v1.Reader`: a reader's account.
public struct Reader: ProtoMessage {
    public var id: Int64 = 0
    public var email = ""
    public var displayName = ""
    public var status = ReaderStatus.unspecified
    public var createdAtMs: Int64 = 0
    /// Last heartbeat or event; 0 when never seen.
    public var lastSeenAtMs: Int64 = 0
    public var online = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeString(email, field: 2)
        writer.writeString(displayName, field: 3)
        writer.writeEnum(status, field: 4)
        writer.writeInt64(createdAtMs, field: 5)
        writer.writeInt64(lastSeenAtMs, field: 6)
        writer.writeBool(online, field: 7)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: email = try reader.readString(tag)
        case 3: displayName = try reader.readString(tag)
        case 4: status = try reader.readEnum(tag)
        case 5: createdAtMs = try reader.readInt64(tag)
        case 6: lastSeenAtMs = try reader.readInt64(tag)
        case 7: online = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Reader"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "email", .string),
        .init(3, "display_name", .string),
        .init(4, "status", .enumeration(ReaderStatus.self)),
        .init(5, "created_at_ms", .int64),
        .init(6, "last_seen_at_ms", .int64),
        .init(7, "online", .bool),
    ]
}
