/// `lectern.v1.ListReadersRequest`.
public struct ListReadersRequest: ProtoMessage {
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    /// Prefix of the email or display name.
    public var query = ""
    public var status = ReaderStatus.unspecified
    public var onlineOnly = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
        writer.writeString(query, field: 3)
        writer.writeEnum(status, field: 4)
        writer.writeBool(onlineOnly, field: 5)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        case 3: query = try reader.readString(tag)
        case 4: status = try reader.readEnum(tag)
        case 5: onlineOnly = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListReadersRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
        .init(3, "query", .string),
        .init(4, "status", .enumeration(ReaderStatus.self)),
        .init(5, "online_only", .bool),
    ]
}

/// `lectern.v1.ListReadersResponse`: in ascending id order.
public struct ListReadersResponse: ProtoMessage {
    public var readers: [Reader] = []
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

    public static let protoName = "lectern.v1.ListReadersResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "readers", .message(Reader.self)),
        .init(2, "next_page_token", .string),
    ]
}
