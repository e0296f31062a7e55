/// `lectern.v1.GetReaderRequest`.
public struct GetReaderRequest: ProtoMessage {
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

    public static let protoName = "lectern.v1.GetReaderRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
    ]
}

/// `lectern.v1.GetReaderResponse`.
public struct GetReaderResponse: ProtoMessage {
    public var reader: Reader?
    public var state: ReaderState?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(reader, field: 1)
        writer.writeMessage(state, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: self.reader = try reader.readMessage(tag, merging: self.reader)
        case 2: state = try reader.readMessage(tag, merging: state)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.GetReaderResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader", .message(Reader.self)),
        .init(2, "state", .message(ReaderState.self)),
    ]
}
