/// `lectern.v1.ChatMessage`: a message between a reader and the consultants.
public struct ChatMessage: ProtoMessage {
    public var id: Int64 = 0
    public var readerID: Int64 = 0
    /// The sending consultant, or 0 when the reader sent it.
    public var consultantID: Int64 = 0
    public var direction = MessageDirection.unspecified
    public var body = ""
    public var sentAtMs: Int64 = 0
    /// 0 until read.
    public var readAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(id, field: 1)
        writer.writeInt64(readerID, field: 2)
        writer.writeInt64(consultantID, field: 3)
        writer.writeEnum(direction, field: 4)
        writer.writeString(body, field: 5)
        writer.writeInt64(sentAtMs, field: 6)
        writer.writeInt64(readAtMs, field: 7)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: id = try reader.readInt64(tag)
        case 2: readerID = try reader.readInt64(tag)
        case 3: consultantID = try reader.readInt64(tag)
        case 4: direction = try reader.readEnum(tag)
        case 5: body = try reader.readString(tag)
        case 6: sentAtMs = try reader.readInt64(tag)
        case 7: readAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ChatMessage"
    public static let protoFields: [ProtoField] = [
        .init(1, "id", .int64),
        .init(2, "reader_id", .int64),
        .init(3, "consultant_id", .int64),
        .init(4, "direction", .enumeration(MessageDirection.self)),
        .init(5, "body", .string),
        .init(6, "sent_at_ms", .int64),
        .init(7, "read_at_ms", .int64),
    ]
}
