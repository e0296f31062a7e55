/// `lectern.v1.DashboardRequest`.
public struct DashboardRequest: ProtoMessage {
    /// A milestone started and not updated for this long counts as stuck; 0 means 30.
    public var stuckAfterMinutes: UInt32 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(stuckAfterMinutes, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: stuckAfterMinutes = try reader.readUInt32(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.DashboardRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "stuck_after_minutes", .uint32),
    ]
}

/// `lectern.v1.DashboardResponse`: counts for the consultants' overview.
public struct DashboardResponse: ProtoMessage {
    public var onlineNow: UInt32 = 0
    public var eventsLast5Minutes: UInt64 = 0
    public var eventsLast60Minutes: UInt64 = 0
    public var stuckReaders: UInt32 = 0
    public var unreadMessages: UInt32 = 0
    public var totalReaders: UInt64 = 0
    public var generatedAtMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(onlineNow, field: 1)
        writer.writeUInt64(eventsLast5Minutes, field: 2)
        writer.writeUInt64(eventsLast60Minutes, field: 3)
        writer.writeUInt32(stuckReaders, field: 4)
        writer.writeUInt32(unreadMessages, field: 5)
        writer.writeUInt64(totalReaders, field: 6)
        writer.writeInt64(generatedAtMs, field: 7)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: onlineNow = try reader.readUInt32(tag)
        case 2: eventsLast5Minutes = try reader.readUInt64(tag)
        case 3: eventsLast60Minutes = try reader.readUInt64(tag)
        case 4: stuckReaders = try reader.readUInt32(tag)
        case 5: unreadMessages = try reader.readUInt32(tag)
        case 6: totalReaders = try reader.readUInt64(tag)
        case 7: generatedAtMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.DashboardResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "online_now", .uint32),
        .init(2, "events_last_5_minutes", .uint64),
        .init(3, "events_last_60_minutes", .uint64),
        .init(4, "stuck_readers", .uint32),
        .init(5, "unread_messages", .uint32),
        .init(6, "total_readers", .uint64),
        .init(7, "generated_at_ms", .int64),
    ]
}
