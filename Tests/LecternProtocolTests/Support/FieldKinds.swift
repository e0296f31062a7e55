import LecternProtocol

/// `lectern.testing.v1.Color`.
struct Color: ProtoEnum {
    var rawValue: Int32
    init(rawValue: Int32) { self.rawValue = rawValue }

    static let red = Color(rawValue: 1)
    static let green = Color(rawValue: 2)
    static let negative = Color(rawValue: -1)

    static let protoName = "lectern.testing.v1.Color"
    static let protoValues: [(name: String, number: Int32)] = [
        ("COLOR_UNSPECIFIED", 0), ("COLOR_RED", 1), ("COLOR_GREEN", 2), ("COLOR_NEGATIVE", -1),
    ]
}

/// `lectern.testing.v1.Nested`.
struct Nested: ProtoMessage {
    var a: Int32 = 0
    var b = ""
    /// Boxed so the type can contain itself.
    var child: Box<Nested>?

    init() {}

    func encode(to writer: inout ProtoWriter) {
        writer.writeInt32(a, field: 1)
        writer.writeString(b, field: 2)
        writer.writeMessage(child?.value, field: 3)
    }

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: a = try reader.readInt32(tag)
        case 2: b = try reader.readString(tag)
        case 3: child = Box(try reader.readMessage(tag, merging: child?.value))
        default: try reader.skip(tag)
        }
    }

    static let protoName = "lectern.testing.v1.Nested"
    static let protoFields: [ProtoField] = [
        .init(1, "a", .int32),
        .init(2, "b", .string),
        .init(3, "child", .message(Nested.self)),
    ]
}

/// A heap box for a message field of a recursive type.
final class Box<Value: Hashable & Sendable>: Hashable, Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func == (lhs: Box, rhs: Box) -> Bool { lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// `lectern.testing.v1.FieldKinds`: every field kind protobuf has.
struct FieldKinds: ProtoMessage {
    enum Choice: Hashable, Sendable {
        case string(String)
        case nested(Nested)
        case uint64(UInt64)
    }

    var int32: Int32 = 0
    var int64: Int64 = 0
    var uint32: UInt32 = 0
    var uint64: UInt64 = 0
    var sint32: Int32 = 0
    var sint64: Int64 = 0
    var fixed32: UInt32 = 0
    var fixed64: UInt64 = 0
    var sfixed32: Int32 = 0
    var sfixed64: Int64 = 0
    var bool = false
    var float: Float = 0
    var double: Double = 0
    var string = ""
    var bytes: [UInt8] = []
    var color = Color()
    var nested: Nested?
    var optionalInt32: Int32?
    var optionalString: String?

    var int32s: [Int32] = []
    var int64s: [Int64] = []
    var uint32s: [UInt32] = []
    var uint64s: [UInt64] = []
    var sint32s: [Int32] = []
    var sint64s: [Int64] = []
    var fixed32s: [UInt32] = []
    var fixed64s: [UInt64] = []
    var sfixed32s: [Int32] = []
    var sfixed64s: [Int64] = []
    var bools: [Bool] = []
    var floats: [Float] = []
    var doubles: [Double] = []
    var strings: [String] = []
    var bytesList: [[UInt8]] = []
    var colors: [Color] = []
    var nesteds: [Nested] = []
    var unpackedInt32s: [Int32] = []

    var stringToString: [String: String] = [:]
    var int32ToNested: [Int32: Nested] = [:]
    var uint64ToBool: [UInt64: Bool] = [:]
    var sint64ToBytes: [Int64: [UInt8]] = [:]
    var stringToColor: [String: Color] = [:]

    var choice: Choice?
    var child: Box<FieldKinds>?

    init() {}

    func encode(to writer: inout ProtoWriter) {
        writer.writeInt32(int32, field: 1)
        writer.writeInt64(int64, field: 2)
        writer.writeUInt32(uint32, field: 3)
        writer.writeUInt64(uint64, field: 4)
        writer.writeSInt32(sint32, field: 5)
        writer.writeSInt64(sint64, field: 6)
        writer.writeFixed32(fixed32, field: 7)
        writer.writeFixed64(fixed64, field: 8)
        writer.writeSFixed32(sfixed32, field: 9)
        writer.writeSFixed64(sfixed64, field: 10)
        writer.writeBool(bool, field: 11)
        writer.writeFloat(float, field: 12)
        writer.writeDouble(double, field: 13)
        writer.writeString(string, field: 14)
        writer.writeBytes(bytes, field: 15)
        writer.writeEnum(color, field: 16)
        writer.writeMessage(nested, field: 17)
        writer.writeInt32(optionalInt32, field: 18)
        writer.writeString(optionalString, field: 19)

        writer.writeRepeatedInt32(int32s, field: 31)
        writer.writeRepeatedInt64(int64s, field: 32)
        writer.writeRepeatedUInt32(uint32s, field: 33)
        writer.writeRepeatedUInt64(uint64s, field: 34)
        writer.writeRepeatedSInt32(sint32s, field: 35)
        writer.writeRepeatedSInt64(sint64s, field: 36)
        writer.writeRepeatedFixed32(fixed32s, field: 37)
        writer.writeRepeatedFixed64(fixed64s, field: 38)
        writer.writeRepeatedSFixed32(sfixed32s, field: 39)
        writer.writeRepeatedSFixed64(sfixed64s, field: 40)
        writer.writeRepeatedBool(bools, field: 41)
        writer.writeRepeatedFloat(floats, field: 42)
        writer.writeRepeatedDouble(doubles, field: 43)
        writer.writeRepeatedString(strings, field: 44)
        writer.writeRepeatedBytes(bytesList, field: 45)
        writer.writeRepeatedEnum(colors, field: 46)
        writer.writeRepeatedMessage(nesteds, field: 47)
        writer.writeRepeatedInt32(unpackedInt32s, field: 48, packed: false)

        writer.writeStringMap(stringToString, field: 50)
        writer.writeMap(int32ToNested, field: 51, key: { $0.writeInt32(.some($1), field: 1) }, value: { $0.writeMessage($1, field: 2) })
        writer.writeMap(uint64ToBool, field: 52, key: { $0.writeUInt64(.some($1), field: 1) }, value: { $0.writeBool(.some($1), field: 2) })
        writer.writeMap(sint64ToBytes, field: 53, key: { $0.writeSInt64(.some($1), field: 1) }, value: { $0.writeBytes(.some($1), field: 2) })
        writer.writeMap(stringToColor, field: 54, key: { $0.writeString(.some($1), field: 1) }, value: { $0.writeEnum(.some($1), field: 2) })

        switch choice {
        case .string(let value): writer.writeString(.some(value), field: 60)
        case .nested(let value): writer.writeMessage(value, field: 61)
        case .uint64(let value): writer.writeUInt64(.some(value), field: 62)
        case nil: break
        }
        writer.writeMessage(child?.value, field: 70)
    }

    mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
        switch tag.number {
        case 1: int32 = try reader.readInt32(tag)
        case 2: int64 = try reader.readInt64(tag)
        case 3: uint32 = try reader.readUInt32(tag)
        case 4: uint64 = try reader.readUInt64(tag)
        case 5: sint32 = try reader.readSInt32(tag)
        case 6: sint64 = try reader.readSInt64(tag)
        case 7: fixed32 = try reader.readFixed32(tag)
        case 8: fixed64 = try reader.readFixed64(tag)
        case 9: sfixed32 = try reader.readSFixed32(tag)
        case 10: sfixed64 = try reader.readSFixed64(tag)
        case 11: bool = try reader.readBool(tag)
        case 12: float = try reader.readFloat(tag)
        case 13: double = try reader.readDouble(tag)
        case 14: string = try reader.readString(tag)
        case 15: bytes = try reader.readBytes(tag)
        case 16: color = try reader.readEnum(tag)
        case 17: nested = try reader.readMessage(tag, merging: nested)
        case 18: optionalInt32 = try reader.readInt32(tag)
        case 19: optionalString = try reader.readString(tag)
        case 31: try reader.readRepeatedInt32(tag, into: &int32s)
        case 32: try reader.readRepeatedInt64(tag, into: &int64s)
        case 33: try reader.readRepeatedUInt32(tag, into: &uint32s)
        case 34: try reader.readRepeatedUInt64(tag, into: &uint64s)
        case 35: try reader.readRepeatedSInt32(tag, into: &sint32s)
        case 36: try reader.readRepeatedSInt64(tag, into: &sint64s)
        case 37: try reader.readRepeatedFixed32(tag, into: &fixed32s)
        case 38: try reader.readRepeatedFixed64(tag, into: &fixed64s)
        case 39: try reader.readRepeatedSFixed32(tag, into: &sfixed32s)
        case 40: try reader.readRepeatedSFixed64(tag, into: &sfixed64s)
        case 41: try reader.readRepeatedBool(tag, into: &bools)
        case 42: try reader.readRepeatedFloat(tag, into: &floats)
        case 43: try reader.readRepeatedDouble(tag, into: &doubles)
        case 44: strings.append(try reader.readString(tag))
        case 45: bytesList.append(try reader.readBytes(tag))
        case 46: try reader.readRepeatedEnum(tag, into: &colors)
        case 47: nesteds.append(try reader.readMessage(tag, merging: nil))
        case 48: try reader.readRepeatedInt32(tag, into: &unpackedInt32s)
        case 50: try reader.readStringMapEntry(tag, into: &stringToString)
        case 51:
            try reader.readMapEntry(
                tag, into: &int32ToNested, defaultKey: 0, defaultValue: Nested(),
                key: { reader, tag throws(WireError) in try reader.readInt32(tag) },
                value: { reader, tag throws(WireError) in try reader.readMessage(tag, merging: nil) }
            )
        case 52:
            try reader.readMapEntry(
                tag, into: &uint64ToBool, defaultKey: 0, defaultValue: false,
                key: { reader, tag throws(WireError) in try reader.readUInt64(tag) },
                value: { reader, tag throws(WireError) in try reader.readBool(tag) }
            )
        case 53:
            try reader.readMapEntry(
                tag, into: &sint64ToBytes, defaultKey: 0, defaultValue: [],
                key: { reader, tag throws(WireError) in try reader.readSInt64(tag) },
                value: { reader, tag throws(WireError) in try reader.readBytes(tag) }
            )
        case 54:
            try reader.readMapEntry(
                tag, into: &stringToColor, defaultKey: "", defaultValue: Color(),
                key: { reader, tag throws(WireError) in try reader.readString(tag) },
                value: { reader, tag throws(WireError) in try reader.readEnum(tag) }
            )
        case 60: choice = .string(try reader.readString(tag))
        case 61:
            guard case .nested(let existing) = choice else { choice = .nested(try reader.readMessage(tag, merging: nil)); return }
            choice = .nested(try reader.readMessage(tag, merging: existing))
        case 62: choice = .uint64(try reader.readUInt64(tag))
        case 70: child = Box(try reader.readMessage(tag, merging: child?.value))
        default: try reader.skip(tag)
        }
    }

    static let protoName = "lectern.testing.v1.FieldKinds"
    static let protoFields: [ProtoField] = [
        .init(1, "f_int32", .int32),
        .init(2, "f_int64", .int64),
        .init(3, "f_uint32", .uint32),
        .init(4, "f_uint64", .uint64),
        .init(5, "f_sint32", .sint32),
        .init(6, "f_sint64", .sint64),
        .init(7, "f_fixed32", .fixed32),
        .init(8, "f_fixed64", .fixed64),
        .init(9, "f_sfixed32", .sfixed32),
        .init(10, "f_sfixed64", .sfixed64),
        .init(11, "f_bool", .bool),
        .init(12, "f_float", .float),
        .init(13, "f_double", .double),
        .init(14, "f_string", .string),
        .init(15, "f_bytes", .bytes),
        .init(16, "f_enum", .enumeration(Color.self)),
        .init(17, "f_nested", .message(Nested.self)),
        .optional(18, "f_optional_int32", .int32),
        .optional(19, "f_optional_string", .string),
        .repeated(31, "r_int32", .int32),
        .repeated(32, "r_int64", .int64),
        .repeated(33, "r_uint32", .uint32),
        .repeated(34, "r_uint64", .uint64),
        .repeated(35, "r_sint32", .sint32),
        .repeated(36, "r_sint64", .sint64),
        .repeated(37, "r_fixed32", .fixed32),
        .repeated(38, "r_fixed64", .fixed64),
        .repeated(39, "r_sfixed32", .sfixed32),
        .repeated(40, "r_sfixed64", .sfixed64),
        .repeated(41, "r_bool", .bool),
        .repeated(42, "r_float", .float),
        .repeated(43, "r_double", .double),
        .repeated(44, "r_string", .string),
        .repeated(45, "r_bytes", .bytes),
        .repeated(46, "r_enum", .enumeration(Color.self)),
        .repeated(47, "r_nested", .message(Nested.self)),
        .repeated(48, "r_unpacked_int32", .int32),
        .map(50, "m_string_string", .string, .string),
        .map(51, "m_int32_nested", .int32, .message(Nested.self)),
        .map(52, "m_uint64_bool", .uint64, .bool),
        .map(53, "m_sint64_bytes", .sint64, .bytes),
        .map(54, "m_string_enum", .string, .enumeration(Color.self)),
        .oneof("choice", 60, "o_string", .string),
        .oneof("choice", 61, "o_nested", .message(Nested.self)),
        .oneof("choice", 62, "o_uint64", .uint64),
        .init(70, "f_self", .message(FieldKinds.self)),
    ]
}
