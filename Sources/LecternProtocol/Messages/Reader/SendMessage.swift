/// `lectern.v1.SendMessageRequest`: a reader's message to the consultants.
public struct SendMessageRequest: ProtoMessage {
    public var body = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(body, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: body = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SendMessageRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "body", .string),
    ]
}

/// `lectern.v1.SendMessageResponse`.
public struct SendMessageResponse: ProtoMessage {
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

    public static let protoName = "lectern.v1.SendMessageResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "message", .message(ChatMessage.self)),
    ]
}
