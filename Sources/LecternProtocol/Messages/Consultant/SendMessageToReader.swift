/// `lectern.v1.SendMessageToReaderRequest`: ConsultantService.SendMessage's request.
public struct SendMessageToReaderRequest: ProtoMessage {
    public var readerID: Int64 = 0
    public var body = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeString(body, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: body = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SendMessageToReaderRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "body", .string),
    ]
}

/// `lectern.v1.SendMessageToReaderResponse`.
public struct SendMessageToReaderResponse: ProtoMessage {
    public var message: ChatMessage?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(message, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: message = try reader.readMessage(tag, merging: message)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SendMessageToReaderResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "message", .message(ChatMessage.self)),
    ]
}
