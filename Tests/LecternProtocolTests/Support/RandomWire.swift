import LecternProtocol

/// A small, seedable generator (SplitMix64) so a failing case can be replayed from its seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Writes random but valid protobuf wire bytes for a message type, driven by its field
/// table and encoded here independently of `ProtoWriter`: fields in random order, scalars
/// repeated (the last must win), messages split in two (they must merge), repeated
/// scalars packed and unpacked, partial map entries, unknown enum numbers and, when
/// asked, unknown fields of every wire type including nested groups.
///
/// For comparison with protoc, `forProtoc` leaves out what protoc's text round trip does
/// not canonicalize: unknown fields (text format cannot carry them back) and repeated
/// map keys, directly or through merged messages (protoc prints and re-encodes every
/// entry; the wire rule is that the last wins).
struct RandomWire {
    var rng: SplitMix64
    let forProtoc: Bool

    init(seed: UInt64, forProtoc: Bool) {
        rng = SplitMix64(seed: seed)
        self.forProtoc = forProtoc
    }

    mutating func message(_ type: any ProtoMessage.Type, depth: Int = 3) -> [UInt8] {
        var chunks: [[UInt8]] = []
        for field in type.protoFields where chance(0.7) {
            // A singular message seen twice merges; with protoc that could repeat a map key.
            let merges = !(forProtoc && field.kind.isMessage)
            let occurrences = field.cardinality == .repeated ? Int.random(in: 0...3, using: &rng) : Int.random(in: 1...(merges ? 2 : 1), using: &rng)
            var mapKeys: Set<[UInt8]> = []
            for _ in 0..<occurrences {
                chunks.append(self.field(field, depth: depth, mapKeys: &mapKeys))
            }
        }
        if !forProtoc {
            for _ in 0..<Int.random(in: 0...2, using: &rng) { chunks.append(unknownField(depth: 2)) }
        }
        chunks.shuffle(using: &rng)
        return chunks.flatMap { $0 }
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &rng) < probability
    }

    private mutating func field(_ field: ProtoField, depth: Int, mapKeys: inout Set<[UInt8]>) -> [UInt8] {
        var out: [UInt8] = []
        switch field.kind {
        case .map(let keyKind, let valueKind):
            var entry: [UInt8] = []
            if forProtoc || chance(0.9) {
                let key = value(keyKind, number: 1, depth: depth)
                if forProtoc && !mapKeys.insert(key).inserted { return [] }
                entry += key
            }
            if chance(0.9) { entry += value(valueKind, number: 2, depth: depth) }
            Self.key(field.number, 2, into: &out)
            Self.varint(UInt64(entry.count), into: &out)
            out += entry
        case let kind where field.cardinality == .repeated && Self.isPackable(kind) && chance(0.5):
            var run: [UInt8] = []
            for _ in 0..<Int.random(in: 0...4, using: &rng) { run += scalarPayload(kind) }
            Self.key(field.number, 2, into: &out)
            Self.varint(UInt64(run.count), into: &out)
            out += run
        default:
            out = value(field.kind, number: field.number, depth: depth)
        }
        return out
    }

    /// A key and a value of `kind` for field `number`.
    private mutating func value(_ kind: ProtoField.Kind, number: Int, depth: Int) -> [UInt8] {
        var out: [UInt8] = []
        switch kind {
        case .message(let type):
            let body = depth > 0 ? message(type, depth: depth - 1) : []
            Self.key(number, 2, into: &out)
            Self.varint(UInt64(body.count), into: &out)
            out += body
        case .string, .bytes:
            let body = kind.isString ? Array(randomString().utf8) : randomBytes()
            Self.key(number, 2, into: &out)
            Self.varint(UInt64(body.count), into: &out)
            out += body
        case .map:
            preconditionFailure("maps are not values")
        default:
            Self.key(number, Self.wireType(kind), into: &out)
            out += scalarPayload(kind)
        }
        return out
    }

    /// The bytes of one scalar value, without a key.
    private mutating func scalarPayload(_ kind: ProtoField.Kind) -> [UInt8] {
        var out: [UInt8] = []
        let bits = interestingBits()
        switch kind {
        case .int32, .enumeration:
            // int32 and enums are sign-extended to 64 bits on the wire.
            let value: Int32 = if case .enumeration(let type) = kind, chance(0.8) {
                type.protoValues.randomElement(using: &rng)?.number ?? 0
            } else {
                Int32(truncatingIfNeeded: bits)
            }
            Self.varint(UInt64(bitPattern: Int64(value)), into: &out)
        case .int64, .uint64: Self.varint(bits, into: &out)
        case .uint32: Self.varint(bits & 0xFFFF_FFFF, into: &out)
        case .sint32:
            let value = Int32(truncatingIfNeeded: bits)
            Self.varint(UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31))), into: &out)
        case .sint64:
            let value = Int64(bitPattern: bits)
            Self.varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)), into: &out)
        case .bool: Self.varint(bits & 1, into: &out)
        case .fixed32, .sfixed32: Self.littleEndian(bits, bytes: 4, into: &out)
        case .fixed64, .sfixed64: Self.littleEndian(bits, bytes: 8, into: &out)
        case .float:
            // NaN is never equal to itself; every other bit pattern, -0 and infinities included, is fair.
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
            Self.littleEndian(UInt64(float.isNaN ? 0x3FC0_0000 : float.bitPattern), bytes: 4, into: &out)
        case .double:
            let double = Double(bitPattern: bits)
            Self.littleEndian(double.isNaN ? 0x3FF8_0000_0000_0000 : double.bitPattern, bytes: 8, into: &out)
        case .string, .bytes, .message, .map:
            preconditionFailure("not a scalar")
        }
        return out
    }

    /// Extremes and small numbers more often than uniform bits would give them.
    private mutating func interestingBits() -> UInt64 {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: 0
        case 1: 1
        case 2: UInt64.max
        case 3: UInt64(Int64.max)
        case 4: UInt64(bitPattern: Int64.min)
        case 5: UInt64.random(in: 0..<300, using: &rng)
        case 6: UInt64(UInt32.max)
        default: rng.next()
        }
    }

    /// NFC strings only: Swift compares strings by canonical equivalence, protobuf by bytes.
    private mutating func randomString() -> String {
        let pieces = ["", "a", "reader", "é", "世界", "🌍", "Łódź", "\u{0}", "x-request-id", "page_view"]
        return (0..<Int.random(in: 0...3, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? "" }.joined()
    }

    private mutating func randomBytes() -> [UInt8] {
        (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// A field no message declares (numbers from 1000), of any wire type.
    private mutating func unknownField(depth: Int) -> [UInt8] {
        var out: [UInt8] = []
        let number = Int.random(in: 1000...1_000_000, using: &rng)
        switch Int.random(in: 0..<5, using: &rng) {
        case 0:
            Self.key(number, 0, into: &out)
            Self.varint(interestingBits(), into: &out)
        case 1:
            Self.key(number, 1, into: &out)
            Self.littleEndian(rng.next(), bytes: 8, into: &out)
        case 2:
            let body = randomBytes()
            Self.key(number, 2, into: &out)
            Self.varint(UInt64(body.count), into: &out)
            out += body
        case 3:
            Self.key(number, 5, into: &out)
            Self.littleEndian(rng.next(), bytes: 4, into: &out)
        default:
            Self.key(number, 3, into: &out)
            if depth > 0 { out += unknownField(depth: depth - 1) }
            Self.key(number, 4, into: &out)
        }
        return out
    }

    // MARK: Encoding, independent of ProtoWriter

    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func key(_ number: Int, _ wireType: UInt64, into out: inout [UInt8]) {
        varint(UInt64(number) << 3 | wireType, into: &out)
    }

    static func littleEndian(_ value: UInt64, bytes: Int, into out: inout [UInt8]) {
        for index in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    static func wireType(_ kind: ProtoField.Kind) -> UInt64 {
        switch kind {
        case .fixed64, .sfixed64, .double: 1
        case .fixed32, .sfixed32, .float: 5
        case .string, .bytes, .message, .map: 2
        default: 0
        }
    }

    static func isPackable(_ kind: ProtoField.Kind) -> Bool { wireType(kind) != 2 }
}

extension ProtoField.Kind {
    var isString: Bool {
        if case .string = self { return true }
        return false
    }

    var isMessage: Bool {
        if case .message = self { return true }
        return false
    }
}
