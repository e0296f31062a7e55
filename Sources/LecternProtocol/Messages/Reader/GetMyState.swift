/// `lectern.v1.GetMyStateRequest`.
public struct GetMyStateRequest: EmptyProtoMessage {
    public init() {}
    public static let protoName = "lectern.v1.GetMyStateRequest"
}

/// `lectern.v1.GetMyStateResponse`.
public struct GetMyStateResponse: ProtoMessage {
    public var state: ReaderState?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(state, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: state = try reader.readMessage(tag, merging: state)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.GetMyStateResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "state", .message(ReaderState.self)),
    ]
}
