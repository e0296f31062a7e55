/// `lectern.v1.ListMyEventsRequest`: a page of the caller's own events.
public struct ListMyEventsRequest: ProtoMessage {
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public var types: [String] = []
    public var sinceMs: Int64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
        writer.writeRepeatedString(types, field: 3)
        writer.writeInt64(sinceMs, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        case 3: types.append(try reader.readString(tag))
        case 4: sinceMs = try reader.readInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListMyEventsRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
        .repeated(3, "types", .string),
        .init(4, "since_ms", .int64),
    ]
}

/// `lectern.v1.ListMyEventsResponse`: newest first.
public struct ListMyEventsResponse: ProtoMessage {
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

    public static let protoName = "lectern.v1.ListMyEventsResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "events", .message(Event.self)),
        .init(2, "next_page_token", .string),
    ]
}
