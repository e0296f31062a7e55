/// `lectern.v1.ListReaderEventsRequest`.
public struct ListReaderEventsRequest: ProtoMessage {
    public var readerID: Int64 = 0
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public var types: [String] = []
    public var sinceMs: Int64 = 0
    public var untilMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeUInt32(pageSize, field: 2)
        writer.writeString(pageToken, field: 3)
        writer.writeRepeatedString(types, field: 4)
        writer.writeInt64(sinceMs, field: 5)
        writer.writeInt64(untilMs, field: 6)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: pageSize = try reader.readUInt32(tag)
        case 3: pageToken = try reader.readString(tag)
        case 4: types.append(try reader.readString(tag))
        case 5: sinceMs = try reader.readInt64(tag)
        case 6: untilMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListReaderEventsRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "page_size", .uint32),
        .init(3, "page_token", .string),
        .repeated(4, "types", .string),
        .init(5, "since_ms", .int64),
        .init(6, "until_ms", .int64),
    ]
}

/// `lectern.v1.ListReaderEventsResponse`: newest first.
public struct ListReaderEventsResponse: ProtoMessage {
    public var events: [Event] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(events, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: events.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListReaderEventsResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "events", .message(Event.self)),
        .init(2, "next_page_token", .string),
    ]
}
