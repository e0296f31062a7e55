/// A Swift type that encodes and decodes one message of `Protos/`, written by hand.
///
/// `encode(to:)` writes the fields in field-number order, omitting proto3 defaults;
/// `decodeField(_:from:)` handles one field and skips the ones it does not know.
/// ``protoFields`` lists the fields as declared in the `.proto` file, so a test can
/// hold the Swift types and `Protos/` to each other.
public protocol ProtoMessage: Sendable, Hashable {
    /// The full protobuf name, such as `lectern.v1.Event`.
    static var protoName: String { get }
    /// Every field of the message as the `.proto` file declares it.
    static var protoFields: [ProtoField] { get }

    /// A message with every field at its default.
    init()

    /// Appends the message's fields to `writer`.
    func encode(to writer: inout ProtoWriter)

    /// Decodes the value of one field whose tag was just read.
    /// - Throws: ``WireError`` when the value is malformed or has a wrong wire type.
    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError)
}

extension ProtoMessage {
    /// A message built by `configure`, for literals: `Event.with { $0.id = 7 }`.
    public static func with(_ configure: (inout Self) throws -> Void) rethrows -> Self {
        var message = Self()
        try configure(&message)
        return message
    }

    /// Decodes a message from `buffer`.
    /// - Parameter maxDepth: how deeply messages and groups may nest.
    /// - Throws: ``WireError`` naming what was wrong and in which field.
    public init(decoding buffer: UnsafeRawBufferPointer, maxDepth: Int = ProtoReader.defaultMaxDepth) throws(WireError) {
        self.init()
        var reader = ProtoReader(buffer, maxDepth: maxDepth)
        try reader.decodeFields(into: &self)
    }

    /// Decodes a message from `bytes`.
    /// - Throws: ``WireError`` naming what was wrong and in which field.
    public init(serializedBytes bytes: [UInt8], maxDepth: Int = ProtoReader.defaultMaxDepth) throws(WireError) {
        // Array.withUnsafeBytes rethrows untyped errors, so carry the typed one out in a Result.
        let decoded = bytes.withUnsafeBytes { buffer in
            Result { () throws(WireError) in try Self(decoding: buffer, maxDepth: maxDepth) }
        }
        self = try decoded.get()
    }

    /// The message's wire encoding.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtoWriter()
        encode(to: &writer)
        return writer.bytes
    }

    /// The declared name of field `number`, or the number itself for an unknown field.
    static func fieldName(_ number: Int) -> String {
        protoFields.first { $0.number == number }?.name ?? String(number)
    }
}

/// A protobuf enum as an open set of numbers: a value this build does not name still
/// decodes and encodes unchanged.
public protocol ProtoEnum: RawRepresentable, Hashable, Sendable, CustomStringConvertible where RawValue == Int32 {
    /// The full protobuf name, such as `lectern.v1.ConsultantRole`.
    static var protoName: String { get }
    /// Every value as the `.proto` file declares it.
    static var protoValues: [(name: String, number: Int32)] { get }
    init(rawValue: Int32)
}

extension ProtoEnum {
    public init() { self.init(rawValue: 0) }

    /// The `.proto` name of the value, or its number when this build does not name it.
    public var description: String {
        Self.protoValues.first { $0.number == rawValue }?.name ?? String(rawValue)
    }
}

/// A message with no fields: it skips whatever it is sent.
public protocol EmptyProtoMessage: ProtoMessage {}

extension EmptyProtoMessage {
    public static var protoFields: [ProtoField] { [] }

    public func encode(to writer: inout ProtoWriter) {}

    public mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        try reader.skip(tag)
    }
}
