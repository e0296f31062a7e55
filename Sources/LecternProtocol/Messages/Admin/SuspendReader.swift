/// `lectern.v1.SuspendReaderRequest`.
public struct SuspendReaderRequest: ProtoMessage {
    public var readerID: Int64 = 0
    /// false reinstates the reader.
    public var suspended = false
    public var reason = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(readerID, field: 1)
        writer.writeBool(suspended, field: 2)
        writer.writeString(reason, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: readerID = try reader.readInt64(tag)
        case 2: suspended = try reader.readBool(tag)
        case 3: reason = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SuspendReaderRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader_id", .int64),
        .init(2, "suspended", .bool),
        .init(3, "reason", .string),
    ]
}

/// `lectern.v1.SuspendReaderResponse`.
public struct SuspendReaderResponse: ProtoMessage {
    public var reader: Reader?

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMessage(reader, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: self.reader = try reader.readMessage(tag, merging: self.reader)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.SuspendReaderResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "reader", .message(Reader.self)),
    ]
}
