/// One field of a message as its `.proto` file declares it: the table a message type
/// exposes so tests can compare the Swift codecs with `Protos/` compiled by `protoc`.
public struct ProtoField: Sendable {
    /// A field's declared type.
    public indirect enum Kind: Sendable {
        case int32, int64, uint32, uint64, sint32, sint64
        case fixed32, fixed64, sfixed32, sfixed64
        case bool, float, double, string, bytes
        case enumeration(any ProtoEnum.Type)
        case message(any ProtoMessage.Type)
        case map(key: Kind, value: Kind)
    }

    /// How many values the field holds.
    public enum Cardinality: Sendable {
        /// proto3 implicit presence: the default is not written.
        case singular
        /// proto3 `optional`: explicit presence.
        case optional
        case repeated
    }

    public let number: Int
    public let name: String
    public let kind: Kind
    public let cardinality: Cardinality
    /// The oneof the field belongs to, if any.
    public let oneof: String?

    public init(_ number: Int, _ name: String, _ kind: Kind, _ cardinality: Cardinality = .singular, oneof: String? = nil) {
        self.number = number
        self.name = name
        self.kind = kind
        self.cardinality = cardinality
        self.oneof = oneof
    }

    public static func repeated(_ number: Int, _ name: String, _ kind: Kind) -> ProtoField {
        ProtoField(number, name, kind, .repeated)
    }

    public static func optional(_ number: Int, _ name: String, _ kind: Kind) -> ProtoField {
        ProtoField(number, name, kind, .optional)
    }

    public static func map(_ number: Int, _ name: String, _ key: Kind, _ value: Kind) -> ProtoField {
        ProtoField(number, name, .map(key: key, value: value), .repeated)
    }

    public static func oneof(_ oneof: String, _ number: Int, _ name: String, _ kind: Kind) -> ProtoField {
        ProtoField(number, name, kind, .singular, oneof: oneof)
    }
}
