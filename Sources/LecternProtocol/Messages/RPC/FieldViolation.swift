/// `lectern.v1.FieldViolation`: one rejected request field.
public struct FieldViolation: ProtoMessage {
    /// Path of the field, such as "events[3].payload".
    public var field = ""
    public var description = ""

    public init() {}

    public init(field: String, description: String) {
        self.field = field
        self.description = description
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(field, field: 1)
        writer.writeString(description, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: field = try reader.readString(tag)
        case 2: description = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.FieldViolation"
    public static let protoFields: [ProtoField] = [
        .init(1, "field", .string),
        .init(2, "description", .string),
    ]
}
