/// `lectern.v1.EventInput`: one activity event as a reader's client submits it.
public struct EventInput: ProtoMessage {
    /// The tab or device numbering the events; 1 to 64 bytes.
    public var clientSessionID = ""
    /// Position in the client session, from 1.
    public var sequence: UInt64 = 0
    /// "page_view", "progress", "answer", ...
    public var type = ""
    public var occurredAtMs: Int64 = 0
    public var contentID = ""
    /// Reading progress from 0 to 1, when the event reports it.
    public var progress: Double?
    /// Opaque application data; at most 16 KiB.
    public var payload: [UInt8] = []

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(clientSessionID, field: 1)
        writer.writeUInt64(sequence, field: 2)
        writer.writeString(type, field: 3)
        writer.writeInt64(occurredAtMs, field: 4)
        writer.writeString(contentID, field: 5)
        writer.writeDouble(progress, field: 6)
        writer.writeBytes(payload, field: 7)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: clientSessionID = try reader.readString(tag)
        case 2: sequence = try reader.readUInt64(tag)
        case 3: type = try reader.readString(tag)
        case 4: occurredAtMs = try reader.readInt64(tag)
        case 5: contentID = try reader.readString(tag)
        case 6: progress = try reader.readDouble(tag)
        case 7: payload = try reader.readBytes(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.EventInput"
    public static let protoFields: [ProtoField] = [
        .init(1, "client_session_id", .string),
        .init(2, "sequence", .uint64),
        .init(3, "type", .string),
        .init(4, "occurred_at_ms", .int64),
        .init(5, "content_id", .string),
        .optional(6, "progress", .double),
        .init(7, "payload", .bytes),
    ]
}
