/// `lectern.v1.CheckpointRequest`.
public struct CheckpointRequest: ProtoMessage {
    /// Unspecified means TRUNCATE.
    public var mode = CheckpointMode.unspecified

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeEnum(mode, field: 1)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: mode = try reader.readEnum(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CheckpointRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "mode", .enumeration(CheckpointMode.self)),
    ]
}

/// `lectern.v1.CheckpointResponse`: what `wal_checkpoint` reported.
public struct CheckpointResponse: ProtoMessage {
    public var walFrames: Int64 = 0
    public var checkpointedFrames: Int64 = 0
    public var busy = false

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeInt64(walFrames, field: 1)
        writer.writeInt64(checkpointedFrames, field: 2)
        writer.writeBool(busy, field: 3)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: walFrames = try reader.readInt64(tag)
        case 2: checkpointedFrames = try reader.readInt64(tag)
        case 3: busy = try reader.readBool(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.CheckpointResponse"
    public static let protoFields: [ProtoField] = [
        .init(1, "wal_frames", .int64),
        .init(2, "checkpointed_frames", .int64),
        .init(3, "busy", .bool),
    ]
}
