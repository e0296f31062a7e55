/// `lectern.v1.DeleteReaderRequest`.
public struct DeleteReaderRequest: ProtoMessage {
    public var readerID: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.DeleteReaderRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
    ]
}

/// `lectern.v1.DeleteReaderResponse`: how many rows of each kind were erased.
public struct DeleteReaderResponse: ProtoMessage {
    public var eventsDeleted: UInt64 = 0
    public var milestonesDeleted: UInt64 = 0
    public var messagesDeleted: UInt64 = 0
    public var sessionsDeleted: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(eventsDeleted, field: 1)
        writer.writeUInt64(milestonesDeleted, field: 2)
        writer.writeUInt64(messagesDeleted, field: 3)
        writer.writeUInt64(sessionsDeleted, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: eventsDeleted = try reader.readUInt64(tag)
        case 2: milestonesDeleted = try reader.readUInt64(tag)
        case 3: messagesDeleted = try reader.readUInt64(tag)
        case 4: sessionsDeleted = try reader.readUInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.DeleteReaderResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "events_deleted", .uint64),
        .init(2, "milestones_deleted", .uint64),
        .init(3, "messages_deleted", .uint64),
        .init(4, "sessions_deleted", .uint64),
    ]
}
