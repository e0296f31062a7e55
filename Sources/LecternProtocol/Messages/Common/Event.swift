/// `lectern.v1.Event`: a stored activity event.
public struct Event: ProtoMessage {
    /// Server-assigned, increasing in commit order.
    public var id: Int64 = 0
    public var readerID: Int64 = 0
    public var clientSessionID = ""
    public var sequence: UInt64 = 0
    public var type = ""
    public var occurredAtMs: Int64 = 0
    /// When the server committed it.
    public var receivedAtMs: Int64 = 0
    public var contentID = ""
    public var progress: Double?
    public var payload: [UInt8] = []

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeInt64(readerID, field: 2)
        writer.writeString(clientSessionID, field: 3)
        writer.writeUInt64(sequence, field: 4)
        writer.writeString(type, field: 5)
        writer.writeInt64(occurredAtMs, field: 6)
        writer.writeInt64(receivedAtMs, field: 7)
        writer.writeString(contentID, field: 8)
        writer.writeDouble(progress, field: 9)
        writer.writeBytes(payload, field: 10)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: readerID = try reader.readInt64(tag)
        case 3: clientSessionID = try reader.readString(tag)
        case 4: sequence = try reader.readUInt64(tag)
        case 5: type = try reader.readString(tag)
        case 6: occurredAtMs = try reader.readInt64(tag)
        case 7: receivedAtMs = try reader.readInt64(tag)
        case 8: contentID = try reader.readString(tag)
        case 9: progress = try reader.readDouble(tag)
        case 10: payload = try reader.readBytes(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Event"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "reader_id", .int64),
        .init(3, "client_session_id", .string),
        .init(4, "sequence", .uint64),
        .init(5, "type", .string),
        .init(6, "occurred_at_ms", .int64),
        .init(7, "received_at_ms", .int64),
        .init(8, "content_id", .string),
        .optional(9, "progress", .double),
        .init(10, "payload", .bytes),
    ]
}
