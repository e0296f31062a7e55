/// `lectern.v1.ReaderState`: what Lectern keeps current about a reader.
public struct ReaderState: ProtoMessage {
    public var readerID: Int64 = 0
    public var eventCount: UInt64 = 0
    public var lastEventAtMs: Int64 = 0
    public var lastEventType = ""
    public var currentContentID = ""
    public var progress: Double?
    public var milestonesCompleted: UInt32 = 0
    public var unreadMessages: UInt32 = 0
    public var lastSeenAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeUInt64(eventCount, field: 2)
        writer.writeInt64(lastEventAtMs, field: 3)
        writer.writeString(lastEventType, field: 4)
        writer.writeString(currentContentID, field: 5)
        writer.writeDouble(progress, field: 6)
        writer.writeUInt32(milestonesCompleted, field: 7)
        writer.writeUInt32(unreadMessages, field: 8)
        writer.writeInt64(lastSeenAtMs, field: 9)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: eventCount = try reader.readUInt64(tag)
        case 3: lastEventAtMs = try reader.readInt64(tag)
        case 4: lastEventType = try reader.readString(tag)
        case 5: currentContentID = try reader.readString(tag)
        case 6: progress = try reader.readDouble(tag)
        case 7: milestonesCompleted = try reader.readUInt32(tag)
        case 8: unreadMessages = try reader.readUInt32(tag)
        case 9: lastSeenAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ReaderState"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "event_count", .uint64),
        .init(3, "last_event_at_ms", .int64),
        .init(4, "last_event_type", .string),
        .init(5, "current_content_id", .string),
        .optional(6, "progress", .double),
        .init(7, "milestones_completed", .uint32),
        .init(8, "unread_messages", .uint32),
        .init(9, "last_seen_at_ms", .int64),
    ]
}
