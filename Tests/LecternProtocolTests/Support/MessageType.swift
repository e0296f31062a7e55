import LecternProtocol
import Testing

/// A message type as a test argument, shown by its protobuf name.
struct MessageType: Sendable, CustomTestStringConvertible {
    let type: any ProtoMessage.Type
    var testDescription: String { type.protoName }

    /// Every lectern.v1 message and the test-only FieldKinds.
    static let all: [MessageType] = (LecternV1.messageTypes + [FieldKinds.self, Nested.self]).map(MessageType.init)

    /// Decodes `bytes` as this type and encodes the result again.
    func reencode(_ bytes: [UInt8]) throws(WireError) -> [UInt8] {
        try type.reencode(bytes)
    }

    /// Decodes `bytes`, encodes and decodes again; the two values must be equal and the
    /// second encoding the same as the first.
    func checkRoundTrip(_ bytes: [UInt8]) throws(WireError) -> Bool {
        try type.roundTrips(bytes)
    }

    /// Decodes `bytes`, encodes, decodes and encodes again: the two encodings must be
    /// equal. (Value equality cannot be asked of input that may hold NaN.)
    func checkStable(_ bytes: [UInt8]) throws(WireError) -> Bool {
        let once = try type.reencode(bytes)
        return try type.reencode(once) == once
    }
}

extension ProtoMessage {
    static func reencode(_ bytes: [UInt8]) throws(WireError) -> [UInt8] {
        try Self(serializedBytes: bytes).serializedBytes()
    }

    static func roundTrips(_ bytes: [UInt8]) throws(WireError) -> Bool {
        let first = try Self(serializedBytes: bytes)
        let encoded = first.serializedBytes()
        let second = try Self(serializedBytes: encoded)
        return first == second && second.serializedBytes() == encoded
    }
}
