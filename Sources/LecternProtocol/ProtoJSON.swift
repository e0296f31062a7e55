import Foundation

/// A message as JSON, read from its wire bytes with its field table: field names as in the
/// `.proto` file, enums by name, bytes in base64, 64-bit integers as numbers, fields at
/// their default left out (as on the wire). For people and scripts (`lectern --json`),
/// not a full proto3 JSON codec.
public enum ProtoJSON {
    public static func string<M: ProtoMessage>(_ message: M) -> String {
        object(M.protoFields, message.serializedBytes())
    }

    /// One field's raw value as the wire carries it.
    private enum Raw {
        case varint(UInt64), fixed32(UInt32), fixed64(UInt64), bytes([UInt8])
    }

    /// Every field of a message, raw, in wire order.
    private struct RawFields: ProtoMessage {
        static let protoName = "lectern.ProtoJSON.RawFields"
        static let protoFields: [ProtoField] = []
        var fields: [(number: Int, value: Raw)] = []

        static func == (lhs: RawFields, rhs: RawFields) -> Bool { lhs.fields.count == rhs.fields.count }
        func hash(into hasher: inout Hasher) { hasher.combine(fields.count) }
        func encode(to writer: inout ProtoWriter) {}

        mutating func decodeField(_ tag: FieldTag, from reader: inout ProtoReader) throws(WireError) {
            switch tag.wireType {
            case .varint: fields.append((tag.number, .varint(try reader.readRawVarint())))
            case .fixed32: fields.append((tag.number, .fixed32(try reader.readFixed32(tag))))
            case .fixed64: fields.append((tag.number, .fixed64(try reader.readFixed64(tag))))
            case .lengthDelimited: fields.append((tag.number, .bytes(try reader.readBytes(tag))))
            case .startGroup, .endGroup: try reader.skip(tag)
            }
        }
    }

    private static func object(_ table: [ProtoField], _ bytes: [UInt8]) -> String {
        guard let raw = try? RawFields(serializedBytes: bytes) else { return "null" }
        var members: [String] = []
        for field in table {
            let values = raw.fields.filter { $0.number == field.number }.flatMap { scalars(field.kind, $0.value) }
            guard !values.isEmpty else { continue }
            let value: String
            if case .map(let keyKind, let valueKind) = field.kind {
                let entries = raw.fields.filter { $0.number == field.number }.compactMap { entry -> String? in
                    guard case .bytes(let entryBytes) = entry.value, let pair = try? RawFields(serializedBytes: entryBytes) else { return nil }
                    let key = pair.fields.last { $0.number == 1 }.flatMap { scalars(keyKind, $0.value).first } ?? "\"\""
                    let value = pair.fields.last { $0.number == 2 }.flatMap { scalars(valueKind, $0.value).first } ?? "null"
                    return (key.hasPrefix("\"") ? key : quoted(key)) + ":" + value
                }
                value = "{" + entries.joined(separator: ",") + "}"
            } else if field.cardinality == .repeated {
                value = "[" + values.joined(separator: ",") + "]"
            } else {
                value = values[values.count - 1]
            }
            members.append(quoted(field.name) + ":" + value)
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The JSON values a raw field holds: several for a packed run.
    private static func scalars(_ kind: ProtoField.Kind, _ raw: Raw) -> [String] {
        switch (kind, raw) {
        case (.map, _): return ["map"]
        case (.string, .bytes(let bytes)): return [quoted(String(decoding: bytes, as: UTF8.self))]
        case (.bytes, .bytes(let bytes)): return [quoted(Data(bytes).base64EncodedString())]
        case (.message(let type), .bytes(let bytes)): return [object(type.protoFields, bytes)]
        case (_, .bytes(let bytes)):
            // A packed run of numbers.
            return packed(kind, bytes).flatMap { scalars(kind, $0) }
        case (.int32, .varint(let v)): return [String(Int32(truncatingIfNeeded: v))]
        case (.int64, .varint(let v)): return [String(Int64(bitPattern: v))]
        case (.uint32, .varint(let v)): return [String(UInt32(truncatingIfNeeded: v))]
        case (.uint64, .varint(let v)): return [String(v)]
        case (.sint32, .varint(let v)): return [String(Int32(truncatingIfNeeded: Int64(bitPattern: v >> 1) ^ -Int64(v & 1)))]
        case (.sint64, .varint(let v)): return [String(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1))]
        case (.bool, .varint(let v)): return [v != 0 ? "true" : "false"]
        case (.enumeration(let type), .varint(let v)): return [quoted(name(type, Int32(truncatingIfNeeded: v)))]
        case (.fixed32, .fixed32(let v)): return [String(v)]
        case (.sfixed32, .fixed32(let v)): return [String(Int32(bitPattern: v))]
        case (.float, .fixed32(let v)): return [number(Double(Float(bitPattern: v)))]
        case (.fixed64, .fixed64(let v)): return [String(v)]
        case (.sfixed64, .fixed64(let v)): return [String(Int64(bitPattern: v))]
        case (.double, .fixed64(let v)): return [number(Double(bitPattern: v))]
        default: return []
        }
    }

    private static func name<E: ProtoEnum>(_ type: E.Type, _ value: Int32) -> String {
        E(rawValue: value).description
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : quoted("\(value)")
    }

    /// The values of a packed run, by the wire type its kind uses.
    private static func packed(_ kind: ProtoField.Kind, _ bytes: [UInt8]) -> [Raw] {
        var values: [Raw] = []
        var index = 0
        switch kind {
        case .fixed32, .sfixed32, .float:
            while index + 4 <= bytes.count {
                values.append(.fixed32(bytes[index..<index + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }))
                index += 4
            }
        case .fixed64, .sfixed64, .double:
            while index + 8 <= bytes.count {
                values.append(.fixed64(bytes[index..<index + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }))
                index += 8
            }
        default:
            var value: UInt64 = 0, shift: UInt64 = 0
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if shift < 64 { value |= UInt64(byte & 0x7F) << shift }
                shift += 7
                if byte & 0x80 == 0 {
                    values.append(.varint(value))
                    value = 0
                    shift = 0
                }
            }
        }
        return values
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
