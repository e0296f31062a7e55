/// `lectern.v1.BackupRequest`.
public struct BackupRequest: ProtoMessage {
    /// Absolute path of the file to create; it must not exist.
    public var destinationPath = ""
    /// Pages per step; 0 means 256.
    public var pagesPerStep: UInt32 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeString(destinationPath, field: 1)
        writer.writeUInt32(pagesPerStep, field: 2)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: destinationPath = try reader.readString(tag)
        case 2: pagesPerStep = try reader.readUInt32(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.BackupRequest"
    public static let protoFields: [ProtoField] = [
        .init(1, "destination_path", .string),
        .init(2, "pages_per_step", .uint32),
    ]
}

/// `lectern.v1.BackupProgress`: one step of a running backup.
public struct BackupProgress: ProtoMessage {
    public var pagesTotal: UInt64 = 0
    public var pagesCopied: UInt64 = 0
    /// Set on the last message, once the file is complete and synced.
    public var done = false
    public var bytes: UInt64 = 0

    public init() {}

    public func encode(to writer: inout ProtoWriter) {
        writer.writeUInt64(pagesTotal, field: 1)
        writer.writeUInt64(pagesCopied, field: 2)
        writer.writeBool(done, field: 3)
        writer.writeUInt64(bytes, field: 4)
    }

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: pagesTotal = try reader.readUInt64(tag)
        case 2: pagesCopied = try reader.readUInt64(tag)
        case 3: done = try reader.readBool(tag)
        case 4: bytes = try reader.readUInt64(tag)
        default: try reader.skip(tag)
        }
    }

    public static let protoName = "lectern.v1.BackupProgress"
    public static let protoFields: [ProtoField] = [
        .init(1, "pages_total", .uint64),
        .init(2, "pages_copied", .uint64),
        .init(3, "done", .bool),
        .init(4, "bytes", .uint64),
    ]
}
