/// `lectern.v1.ListActiveReadersRequest`.
public struct ListActiveReadersRequest: ProtoMessage {
    public var pageSize: UInt32 = 0
    public var pageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListActiveReadersRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
    ]
}

/// `lectern.v1.ActiveReader`: a reader online now.
public struct ActiveReader: ProtoMessage {
    public var readerID: Int64 = 0
    public var displayName = ""
    public var lastSeenAtMs: Int64 = 0
    public var contentID = ""
    /// Tabs or devices heartbeating now.
    public var clientSessions: UInt32 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeString(displayName, field: 2)
        writer.writeInt64(lastSeenAtMs, field: 3)
        writer.writeString(contentID, field: 4)
        writer.writeUInt32(clientSessions, field: 5)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: displayName = try reader.readString(tag)
        case 3: lastSeenAtMs = try reader.readInt64(tag)
        case 4: contentID = try reader.readString(tag)
        case 5: clientSessions = try reader.readUInt32(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ActiveReader"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "display_name", .string),
        .init(3, "last_seen_at_ms", .int64),
        .init(4, "content_id", .string),
        .init(5, "client_sessions", .uint32),
    ]
}

/// `lectern.v1.ListActiveReadersResponse`: most recently seen first.
public struct ListActiveReadersResponse: ProtoMessage {
    public var readers: [ActiveReader] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(readers, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readers.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListActiveReadersResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "readers", .message(ActiveReader.self)),
        .init(2, "next_page_token", .string),
    ]
}
