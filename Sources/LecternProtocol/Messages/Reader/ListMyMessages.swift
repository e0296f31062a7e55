/// `lectern.v1.ListMyMessagesRequest`.
public struct ListMyMessagesRequest: ProtoMessage {
    public var pageSize: UInt32 = 0
    public var pageToken = ""
    public var unreadOnly = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt32(pageSize, field: 1)
        writer.writeString(pageToken, field: 2)
        writer.writeBool(unreadOnly, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pageSize = try reader.readUInt32(tag)
        case 2: pageToken = try reader.readString(tag)
        case 3: unreadOnly = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListMyMessagesRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "page_size", .uint32),
        .init(2, "page_token", .string),
        .init(3, "unread_only", .bool),
    ]
}

/// `lectern.v1.ListMyMessagesResponse`: newest first.
public struct ListMyMessagesResponse: ProtoMessage {
    public var messages: [ChatMessage] = []
    public var nextPageToken = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(messages, field: 1)
        writer.writeString(nextPageToken, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: messages.append(try reader.readMessage(tag, merging: nil))
        case 2: nextPageToken = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ListMyMessagesResponse"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "messages", .message(ChatMessage.self)),
        .init(2, "next_page_token", .string),
    ]
}
