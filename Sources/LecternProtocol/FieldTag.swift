/// How a field's value is laid out on the wire.
public enum WireType: UInt8, Sendable, CustomStringConvertible {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    public var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }
}

/// A field key: a field number and a wire type, valid by construction.
public struct FieldTag: Hashable, Sendable {
    /// The largest field number protobuf allows (2^29 - 1).
    public static let maxFieldNumber = 536_870_911

    /// From 1 to ``maxFieldNumber``.
    public let number: Int
    public let wireType: WireType

    /// A tag from a field number and wire type; `nil` when the number is out of range.
    public init?(number: Int, wireType: WireType) {
        guard (1...Self.maxFieldNumber).contains(number) else { return nil }
        self.number = number
        self.wireType = wireType
    }

    /// A tag from the key as read off the wire; `nil` for field number 0 or wire types 6 and 7.
    public init?(key: UInt64) {
        guard key <= UInt64(UInt32.max), let wireType = WireType(rawValue: UInt8(key & 7)) else { return nil }
        self.init(number: Int(key >> 3), wireType: wireType)
    }

    /// The key as written on the wire.
    public var key: UInt64 { UInt64(number) << 3 | UInt64(wireType.rawValue) }
}
