/// Why bytes could not be decoded as a protobuf message.
///
/// `truncated` means the input ended early (more bytes could have completed it);
/// every other code means the bytes can never decode. The message names what was
/// wrong and ``fieldPath`` names where, outermost field first.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure, as a raw-value struct so new codes can be added.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The input ended before the value it started.
        public static let truncated = Code(rawValue: "truncated")
        /// The bytes break the wire format (bad key, overlong varint, length past its message).
        public static let malformed = Code(rawValue: "malformed")
        /// A known field arrived with a wire type its declared type cannot have.
        public static let wrongWireType = Code(rawValue: "wrong wire type")
        /// A `string` field held bytes that are not UTF-8.
        public static let invalidUTF8 = Code(rawValue: "invalid UTF-8")
        /// Messages or groups nested deeper than the reader's limit.
        public static let tooDeep = Code(rawValue: "too deep")
        /// A value above a size limit.
        public static let tooLarge = Code(rawValue: "too large")

        public var description: String { rawValue }
    }

    public var code: Code
    /// What was wrong, for a person: "varint longer than 10 bytes".
    public var message: String
    /// Field names from the outermost message inward, such as `["events", "type"]`.
    public var fieldPath: [String]

    public init(_ code: Code, _ message: String, fieldPath: [String] = []) {
        self.code = code
        self.message = message
        self.fieldPath = fieldPath
    }

    public var description: String {
        fieldPath.isEmpty ? "\(code): \(message)" : "\(code) in field \(fieldPath.joined(separator: ".")): \(message)"
    }

    /// The same error, located one field further out.
    func inField(_ name: String) -> WireError {
        var copy = self
        copy.fieldPath.insert(name, at: 0)
        return copy
    }
}
