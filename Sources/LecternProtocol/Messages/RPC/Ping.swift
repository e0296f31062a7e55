/// `lectern.v1.Ping`: the payload of PING and PONG frames.
public struct Ping: ProtoMessage {
    public var opaqueData: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeFixed64(opaqueData, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: opaqueData = try reader.readFixed64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.Ping"
    public static let protoFields: [ProtoField] = [
        .init(1, "opaque_data", .fixed64),
    ]
}
