/// `lectern.v1.ErrorDetails`: machine-readable details of a failed call.
public struct ErrorDetails: ProtoMessage {
    public var fieldViolations: [FieldViolation] = []
    /// Earliest time to retry, in milliseconds from now; 0 when not given.
    public var retryAfterMs: UInt64 = 0
    /// A stable upper-snake-case reason, such as "LOGIN_THROTTLED".
    public var reason = ""

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeRepeatedMessage(fieldViolations, field: 1)
        writer.writeUInt64(retryAfterMs, field: 2)
        writer.writeString(reason, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: fieldViolations.append(try reader.readMessage(tag, merging: nil))
        case 2: retryAfterMs = try reader.readUInt64(tag)
        case 3: reason = try reader.readString(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.ErrorDetails"
    public static let protoFields: [ProtoField] = [
        .repeated(1, "field_violations", .message(FieldViolation.self)),
        .init(2, "retry_after_ms", .uint64),
        .init(3, "reason", .string),
    ]
}
