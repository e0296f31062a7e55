/// `lectern.v1.Cancel`: the payload of a CANCEL frame.
public struct Cancel: ProtoMessage {
    public var reason = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(reason, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: reason = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Cancel"
    public static let protoFields: [ProtoField] = [
        .init(1, "reason", .string),
    ]
}
