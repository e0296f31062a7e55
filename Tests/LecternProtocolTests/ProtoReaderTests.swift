import LecternProtocol
import Testing

/// Malformed input is a WireError naming what was wrong; the wire rules of proto3 hold.
@Suite("ProtoReader")
struct ProtoReaderTests {
    private func decode(_ bytes: [UInt8]) throws(WireError) -> FieldKinds {
        try FieldKinds(serializedBytes: bytes)
    }

    private func error(_ bytes: [UInt8]) -> WireError? {
        do {
            _ = try decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Varints

    @Test("a 10-byte varint holds UInt64.max")
    func maximumVarint() throws {
        let message = try decode([0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(message.uint64 == .max)
    }

    @Test("an 11-byte varint is malformed")
    func overlongVarint() {
        let error = error([0x20] + Array(repeating: 0xFF, count: 10) + [0x01])
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("longer than 10 bytes") == true)
        #expect(error?.fieldPath == ["f_uint64"])
    }

    @Test("a 10th varint byte above 1 overflows 64 bits")
    func varintOverflow() {
        let error = error([0x20] + Array(repeating: 0xFF, count: 9) + [0x02])
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("overflows 64 bits") == true)
    }

    @Test("a varint cut short is truncated")
    func truncatedVarint() {
        #expect(error([0x20, 0xFF, 0xFF])?.code == .truncated)
    }

    @Test("negative int32 is sign-extended to 10 bytes and read back")
    func negativeInt32() throws {
        let bytes = FieldKinds.with { $0.int32 = -1 }.serializedBytes()
        #expect(bytes == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01])
        #expect(try decode(bytes).int32 == -1)
    }

    static let zigZagCases: [(Int64, [UInt8])] = [(0, [0]), (-1, [1]), (1, [2]), (-64, [127]), (64, [128, 1])]

    @Test("zigzag keeps small negative numbers small", arguments: zigZagCases)
    func zigZag(value: Int64, encoded: [UInt8]) throws {
        let bytes = FieldKinds.with { $0.sint64 = value }.serializedBytes()
        #expect(Array(bytes.dropFirst()) == (value == 0 ? [] : encoded))
        if value != 0 { #expect(try decode(bytes).sint64 == value) }
    }

    // MARK: Lengths and keys

    @Test("a length past the end of the input is truncated")
    func lengthPastInput() {
        let error = error([0x72, 0x05, 0x61])  // f_string, 5 bytes announced, 1 present
        #expect(error?.code == .truncated)
        #expect(error?.fieldPath == ["f_string"])
    }

    @Test("a length past the end of its enclosing message is malformed, not truncated")
    func lengthPastEnclosingMessage() {
        // f_nested (17) of 3 bytes holding field b (2) that claims 5 bytes.
        let error = error([0x8A, 0x01, 0x03, 0x12, 0x05, 0x61, 0x62, 0x63, 0x64, 0x65])
        #expect(error?.code == .malformed)
        #expect(error?.fieldPath == ["f_nested", "b"])
    }

    @Test("a length of 2^64-1 is refused without allocating")
    func hugeLength() {
        let error = error([0x72] + Array(repeating: 0xFF, count: 9) + [0x01])
        #expect(error?.code == .truncated)
    }

    @Test("field number 0 is malformed")
    func fieldNumberZero() {
        #expect(error([0x00, 0x01])?.code == .malformed)
    }

    @Test("wire types 6 and 7 are malformed", arguments: [UInt8(0x0E), 0x0F])
    func invalidWireType(key: UInt8) {
        #expect(error([key, 0x00])?.code == .malformed)
    }

    @Test("a field number above 2^29-1 is malformed")
    func fieldNumberTooLarge() {
        #expect(error([0xF8, 0xFF, 0xFF, 0xFF, 0x1F, 0x00])?.code == .malformed)
    }

    @Test("a known field with the wrong wire type is an error naming the field")
    func wrongWireType() {
        let error = error([0x0D, 0, 0, 0, 0])  // f_int32 (1) as fixed32
        #expect(error?.code == .wrongWireType)
        #expect(error?.fieldPath == ["f_int32"])
        #expect(error?.description.contains("f_int32") == true)
    }

    @Test("a string that is not UTF-8 is invalidUTF8", arguments: [[UInt8(0xFF)], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF]])
    func invalidUTF8(bytes: [UInt8]) {
        let error = error([0x72, UInt8(bytes.count)] + bytes)
        #expect(error?.code == .invalidUTF8)
        #expect(error?.fieldPath == ["f_string"])
    }

    @Test("bytes fields take any bytes")
    func bytesAreNotValidated() throws {
        #expect(try decode([0x7A, 0x02, 0xFF, 0xC3]).bytes == [0xFF, 0xC3])
    }

    // MARK: Unknown fields

    @Test("unknown fields of every wire type are skipped, groups included")
    func unknownFieldsSkipped() throws {
        let unknown: [UInt8] = [
            0xC0, 0x3E, 0x96, 0x01,                     // field 1000 varint
            0xC1, 0x3E, 1, 2, 3, 4, 5, 6, 7, 8,         // fixed64
            0xC2, 0x3E, 0x02, 0xAA, 0xBB,               // length-delimited
            0xC5, 0x3E, 1, 2, 3, 4,                     // fixed32
            0xC3, 0x3E, 0xCB, 0x3E, 0x08, 0x01, 0xCC, 0x3E, 0xC4, 0x3E,  // group 1000 { group 1001 { 1: 1 } }
        ]
        let message = try decode(unknown + [0x08, 0x05] + unknown)
        #expect(message == FieldKinds.with { $0.int32 = 5 })
    }

    @Test("a group closed by another field's end-group is malformed")
    func mismatchedGroup() {
        #expect(error([0xC3, 0x3E, 0xCC, 0x3E])?.code == .malformed)
    }

    @Test("an unclosed group is truncated")
    func unclosedGroup() {
        #expect(error([0xC3, 0x3E, 0x08, 0x01])?.code == .truncated)
    }

    @Test("an end-group outside any group is malformed")
    func strayEndGroup() {
        #expect(error([0xC4, 0x3E])?.code == .malformed)
    }

    // MARK: Nesting

    private func nestedSelf(depth: Int) -> FieldKinds {
        var message = FieldKinds.with { $0.int32 = 1 }
        for _ in 0..<depth { message = FieldKinds.with { $0.child = Box(message) } }
        return message
    }

    @Test("nesting up to the limit decodes; one more level is tooDeep")
    func depthLimit() throws {
        let limit = ProtoReader.defaultMaxDepth
        let atLimit = nestedSelf(depth: limit).serializedBytes()
        #expect(try decode(atLimit) == nestedSelf(depth: limit))
        let error = error(nestedSelf(depth: limit + 1).serializedBytes())
        #expect(error?.code == .tooDeep)
        #expect(error?.fieldPath.count == limit + 1)
    }

    @Test("deeply nested unknown groups hit the depth limit instead of the stack")
    func deepGroups() {
        let depth = 100_000
        let bytes = Array(repeating: [UInt8](arrayLiteral: 0xC3, 0x3E), count: depth).flatMap { $0 }
            + Array(repeating: [UInt8](arrayLiteral: 0xC4, 0x3E), count: depth).flatMap { $0 }
        #expect(error(bytes)?.code == .tooDeep)
    }

    @Test("a lower maxDepth is honoured")
    func customDepth() {
        #expect(throws: WireError.self) { try FieldKinds(serializedBytes: nestedSelf(depth: 3).serializedBytes(), maxDepth: 2) }
    }

    // MARK: proto3 merge rules

    @Test("the last value of a scalar field wins")
    func lastScalarWins() throws {
        #expect(try decode([0x08, 0x01, 0x08, 0x02]).int32 == 2)
        #expect(try decode([0x72, 0x01, 0x61, 0x72, 0x01, 0x62]).string == "b")
    }

    @Test("a message field seen twice is merged")
    func messagesMerge() throws {
        // f_nested { a: 1 } then f_nested { b: "x" }
        let message = try decode([0x8A, 0x01, 0x02, 0x08, 0x01, 0x8A, 0x01, 0x03, 0x12, 0x01, 0x78])
        #expect(message.nested == Nested.with { $0.a = 1; $0.b = "x" })
    }

    @Test("a repeated scalar reads packed and unpacked forms, in order, mixed")
    func packedAndUnpacked() throws {
        // r_int32 (31): packed [1, 2], unpacked 3, packed [4]
        let bytes: [UInt8] = [0xFA, 0x01, 0x02, 0x01, 0x02, 0xF8, 0x01, 0x03, 0xFA, 0x01, 0x01, 0x04]
        #expect(try decode(bytes).int32s == [1, 2, 3, 4])
        // r_unpacked_int32 (48), declared [packed = false], also reads a packed run.
        #expect(try decode([0x82, 0x03, 0x02, 0x05, 0x06]).unpackedInt32s == [5, 6])
    }

    @Test("a packed run that ends inside a value is malformed")
    func packedRunCutShort() {
        // r_fixed32 (37) packed, 3 bytes: not a whole fixed32
        #expect(error([0xAA, 0x02, 0x03, 1, 2, 3])?.code == .malformed)
    }

    @Test("map entries with a missing key or value take defaults; the last entry for a key wins")
    func mapEntries() throws {
        let bytes: [UInt8] = [
            0x92, 0x03, 0x03, 0x12, 0x01, 0x76,        // {value: "v"} -> key ""
            0x92, 0x03, 0x03, 0x0A, 0x01, 0x6B,        // {key: "k"} -> value ""
            0x92, 0x03, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x77,  // {k: w}
        ]
        #expect(try decode(bytes).stringToString == ["": "v", "k": "w"])
    }

    @Test("a later oneof member replaces an earlier one")
    func oneofLastWins() throws {
        // o_string "a" then o_uint64 7
        #expect(try decode([0xE2, 0x03, 0x01, 0x61, 0xF0, 0x03, 0x07]).choice == .uint64(7))
    }

    @Test("an enum number this build does not name survives a round trip")
    func unknownEnumValue() throws {
        let message = try decode([0x80, 0x01, 0x63])  // f_enum = 99
        #expect(message.color.rawValue == 99)
        #expect(message.serializedBytes() == [0x80, 0x01, 0x63])
        #expect(message.color.description == "99")
    }

    @Test("float and double keep -0.0, infinities and NaN bit patterns")
    func floatingPointBits() throws {
        let message = FieldKinds.with {
            $0.float = -0.0
            $0.double = .nan
        }
        let decoded = try decode(message.serializedBytes())
        #expect(decoded.float.bitPattern == (-0.0 as Float).bitPattern)
        #expect(decoded.double.bitPattern == Double.nan.bitPattern)
    }

    @Test("an empty buffer is the default message")
    func emptyInput() throws {
        #expect(try decode([]) == FieldKinds())
        #expect(FieldKinds().serializedBytes().isEmpty)
    }
}
