/// Reads protobuf wire format from a borrowed buffer.
///
/// A reader lives only inside the closure that lends it its bytes (see
/// ``ProtoMessage/init(decoding:maxDepth:)``). Every read checks what remains, so
/// bad input ends in a ``WireError``: never a trap, never a loop that does not advance.
/// Lengths are checked against the enclosing message: one that runs past the whole
/// buffer is `truncated`, one that runs past its enclosing message is `malformed`.
public struct ProtoReader {
    /// Nesting allowed by default, counting messages and groups (protobuf's C++ default is 100).
    public static let defaultMaxDepth = 64

    private let base: UnsafeRawPointer?
    private var index: Int
    /// End of the message (or packed run) being read: the buffer's end at the top, less inside.
    private var limit: Int
    /// Whether `limit` is the end of the input, so that running into it is `truncated`
    /// rather than `malformed`.
    private var limitIsEndOfInput = true
    private var remainingDepth: Int

    init(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = ProtoReader.defaultMaxDepth) {
        base = buffer.baseAddress
        index = 0
        limit = buffer.count
        remainingDepth = maxDepth
    }

    /// Whether the current message has no bytes left.
    public var isAtEnd: Bool { index >= limit }

    // MARK: Keys

    /// The next field's tag, or `nil` at the end of the current message.
    public mutating func nextTag() throws(WireError) -> FieldTag? {
        guard index < limit else { return nil }
        let key = try readRawVarint()
        guard let tag = FieldTag(key: key) else {
            throw WireError(.malformed, "invalid field key \(key) (field number 0, above 2^29-1, or wire type 6 or 7)")
        }
        if tag.wireType == .endGroup {
            throw WireError(.malformed, "end-group for field \(tag.number) outside any group")
        }
        return tag
    }

    /// Skips the value of a field this message does not know, of any wire type.
    public mutating func skip(_ tag: FieldTag) throws(WireError) {
        switch tag.wireType {
        case .varint: _ = try readRawVarint()
        case .fixed64: try advance(8)
        case .fixed32: try advance(4)
        case .lengthDelimited: index += try readLength()
        case .startGroup: try skipGroup(tag.number)
        case .endGroup: throw WireError(.malformed, "end-group for field \(tag.number) outside any group")
        }
    }

    private mutating func skipGroup(_ number: Int) throws(WireError) {
        try enterNesting()
        defer { remainingDepth += 1 }
        while true {
            guard index < limit else { throw endOfInput("group \(number) is not closed") }
            let key = try readRawVarint()
            guard let tag = FieldTag(key: key) else {
                throw WireError(.malformed, "invalid field key \(key) in group \(number)")
            }
            if tag.wireType == .endGroup {
                guard tag.number == number else {
                    throw WireError(.malformed, "group \(number) closed by end-group \(tag.number)")
                }
                return
            }
            try skip(tag)
        }
    }

    // MARK: Raw values

    /// A base-128 varint of at most 10 bytes whose value fits in 64 bits.
    public mutating func readRawVarint() throws(WireError) -> UInt64 {
        guard index < limit, let base else { throw endOfInput("varint") }
        let first = base.load(fromByteOffset: index, as: UInt8.self)
        if first < 0x80 {
            index += 1
            return UInt64(first)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var position = index
        while true {
            guard position < limit else { throw endOfInput("varint") }
            let byte = base.load(fromByteOffset: position, as: UInt8.self)
            position += 1
            if shift == 63 && byte > 1 {
                throw WireError(.malformed, byte < 0x80 ? "varint overflows 64 bits" : "varint longer than 10 bytes")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        index = position
        return result
    }

    private mutating func readRawFixed32() throws(WireError) -> UInt32 {
        guard limit - index >= 4, let base else { throw endOfInput("fixed32") }
        defer { index += 4 }
        return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
    }

    private mutating func readRawFixed64() throws(WireError) -> UInt64 {
        guard limit - index >= 8, let base else { throw endOfInput("fixed64") }
        defer { index += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
    }

    /// A length prefix, checked against what remains of the current message.
    private mutating func readLength() throws(WireError) -> Int {
        let length = try readRawVarint()
        guard length <= UInt64(limit - index) else {
            throw limitIsEndOfInput
                ? WireError(.truncated, "length \(length) runs past the end of the input (\(limit - index) bytes left)")
                : WireError(.malformed, "length \(length) runs past the end of its message (\(limit - index) bytes left)")
        }
        return Int(length)
    }

    private mutating func advance(_ byteCount: Int) throws(WireError) {
        guard limit - index >= byteCount else { throw endOfInput("\(byteCount)-byte value") }
        index += byteCount
    }

    private func endOfInput(_ what: String) -> WireError {
        limitIsEndOfInput
            ? WireError(.truncated, "input ends inside a \(what)")
            : WireError(.malformed, "\(what) runs past the end of its message")
    }

    private mutating func enterNesting() throws(WireError) {
        guard remainingDepth > 0 else { throw WireError(.tooDeep, "messages nested deeper than the limit") }
        remainingDepth -= 1
    }

    @inline(__always)
    private func expect(_ tag: FieldTag, _ wireType: WireType) throws(WireError) {
        guard tag.wireType == wireType else {
            throw WireError(.wrongWireType, "field \(tag.number) is \(wireType) on the wire, got \(tag.wireType)")
        }
    }

    // MARK: Scalar fields

    public mutating func readInt32(_ tag: FieldTag) throws(WireError) -> Int32 {
        try expect(tag, .varint)
        return Int32(truncatingIfNeeded: try readRawVarint())
    }

    public mutating func readInt64(_ tag: FieldTag) throws(WireError) -> Int64 {
        try expect(tag, .varint)
        return Int64(bitPattern: try readRawVarint())
    }

    public mutating func readUInt32(_ tag: FieldTag) throws(WireError) -> UInt32 {
        try expect(tag, .varint)
        return UInt32(truncatingIfNeeded: try readRawVarint())
    }

    public mutating func readUInt64(_ tag: FieldTag) throws(WireError) -> UInt64 {
        try expect(tag, .varint)
        return try readRawVarint()
    }

    public mutating func readSInt32(_ tag: FieldTag) throws(WireError) -> Int32 {
        try expect(tag, .varint)
        let raw = UInt32(truncatingIfNeeded: try readRawVarint())
        return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readSInt64(_ tag: FieldTag) throws(WireError) -> Int64 {
        try expect(tag, .varint)
        let raw = try readRawVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func readBool(_ tag: FieldTag) throws(WireError) -> Bool {
        try expect(tag, .varint)
        return try readRawVarint() != 0
    }

    /// An enum value; a number this build does not name is kept as it is (proto3 enums are open).
    public mutating func readEnum<E: ProtoEnum>(_ tag: FieldTag) throws(WireError) -> E {
        E(rawValue: try readInt32(tag))
    }

    public mutating func readFixed32(_ tag: FieldTag) throws(WireError) -> UInt32 {
        try expect(tag, .fixed32)
        return try readRawFixed32()
    }

    public mutating func readFixed64(_ tag: FieldTag) throws(WireError) -> UInt64 {
        try expect(tag, .fixed64)
        return try readRawFixed64()
    }

    public mutating func readSFixed32(_ tag: FieldTag) throws(WireError) -> Int32 {
        Int32(bitPattern: try readFixed32(tag))
    }

    public mutating func readSFixed64(_ tag: FieldTag) throws(WireError) -> Int64 {
        Int64(bitPattern: try readFixed64(tag))
    }

    public mutating func readFloat(_ tag: FieldTag) throws(WireError) -> Float {
        Float(bitPattern: try readFixed32(tag))
    }

    public mutating func readDouble(_ tag: FieldTag) throws(WireError) -> Double {
        Double(bitPattern: try readFixed64(tag))
    }

    // MARK: Length-delimited fields

    /// A `string` field; bytes that are not UTF-8 are a ``WireError/Code/invalidUTF8`` error.
    public mutating func readString(_ tag: FieldTag) throws(WireError) -> String {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        guard length > 0, let base else { return "" }
        let bytes = UnsafeBufferPointer(start: (base + index).assumingMemoryBound(to: UInt8.self), count: length)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw WireError(.invalidUTF8, "field \(tag.number) is a string and its \(length) bytes are not UTF-8")
        }
        index += length
        return string
    }

    public mutating func readBytes(_ tag: FieldTag) throws(WireError) -> [UInt8] {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        guard length > 0, let base else { return [] }
        defer { index += length }
        return Array(UnsafeRawBufferPointer(start: base + index, count: length))
    }

    /// Decodes an embedded message into `message`, merging with what it holds already
    /// (proto3: a message field seen twice is merged).
    public mutating func readMessage<M: ProtoMessage>(_ tag: FieldTag, into message: inout M) throws(WireError) {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        try enterNesting()
        defer { remainingDepth += 1 }
        try within(length) { reader throws(WireError) in try reader.decodeFields(into: &message) }
    }

    /// Runs `body` with the end of the current message moved to `length` bytes from here,
    /// then continues after them.
    private mutating func within(_ length: Int, _ body: (inout ProtoReader) throws(WireError) -> Void) throws(WireError) {
        let outerLimit = limit
        let outerIsEnd = limitIsEndOfInput
        limit = index + length
        limitIsEndOfInput = false
        defer {
            limit = outerLimit
            limitIsEndOfInput = outerIsEnd
        }
        try body(&self)
    }

    /// A message field's value: the one already held (to merge into) or a new one.
    public mutating func readMessage<M: ProtoMessage>(_ tag: FieldTag, merging existing: M?) throws(WireError) -> M {
        var message = existing ?? M()
        try readMessage(tag, into: &message)
        return message
    }

    /// Decodes every field up to the end of the current message.
    mutating func decodeFields<M: ProtoMessage>(into message: inout M) throws(WireError) {
        while let tag = try nextTag() {
            do {
                try message.decodeField(tag, from: &self)
            } catch {
                throw error.inField(M.fieldName(tag.number))
            }
        }
    }

    // MARK: Repeated scalars, packed or not

    /// Appends one element (unpacked form) or every element of a packed run.
    private mutating func readPackable<T>(
        _ tag: FieldTag,
        _ elementWireType: WireType,
        into values: inout [T],
        _ readOne: (inout ProtoReader) throws(WireError) -> T
    ) throws(WireError) {
        if tag.wireType == .lengthDelimited {
            try within(try readLength()) { reader throws(WireError) in
                while reader.index < reader.limit {
                    values.append(try readOne(&reader))
                }
            }
        } else {
            try expect(tag, elementWireType)
            values.append(try readOne(&self))
        }
    }

    public mutating func readRepeatedInt32(_ tag: FieldTag, into values: inout [Int32]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in Int32(truncatingIfNeeded: try reader.readRawVarint()) }
    }

    public mutating func readRepeatedInt64(_ tag: FieldTag, into values: inout [Int64]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in Int64(bitPattern: try reader.readRawVarint()) }
    }

    public mutating func readRepeatedUInt32(_ tag: FieldTag, into values: inout [UInt32]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in UInt32(truncatingIfNeeded: try reader.readRawVarint()) }
    }

    public mutating func readRepeatedUInt64(_ tag: FieldTag, into values: inout [UInt64]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in try reader.readRawVarint() }
    }

    public mutating func readRepeatedSInt32(_ tag: FieldTag, into values: inout [Int32]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in
            let raw = UInt32(truncatingIfNeeded: try reader.readRawVarint())
            return Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }
    }

    public mutating func readRepeatedSInt64(_ tag: FieldTag, into values: inout [Int64]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in
            let raw = try reader.readRawVarint()
            return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
        }
    }

    public mutating func readRepeatedBool(_ tag: FieldTag, into values: inout [Bool]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in try reader.readRawVarint() != 0 }
    }

    public mutating func readRepeatedEnum<E: ProtoEnum>(_ tag: FieldTag, into values: inout [E]) throws(WireError) {
        try readPackable(tag, .varint, into: &values) { reader throws(WireError) in
            E(rawValue: Int32(truncatingIfNeeded: try reader.readRawVarint()))
        }
    }

    public mutating func readRepeatedFixed32(_ tag: FieldTag, into values: inout [UInt32]) throws(WireError) {
        try readPackable(tag, .fixed32, into: &values) { reader throws(WireError) in try reader.readRawFixed32() }
    }

    public mutating func readRepeatedFixed64(_ tag: FieldTag, into values: inout [UInt64]) throws(WireError) {
        try readPackable(tag, .fixed64, into: &values) { reader throws(WireError) in try reader.readRawFixed64() }
    }

    public mutating func readRepeatedSFixed32(_ tag: FieldTag, into values: inout [Int32]) throws(WireError) {
        try readPackable(tag, .fixed32, into: &values) { reader throws(WireError) in Int32(bitPattern: try reader.readRawFixed32()) }
    }

    public mutating func readRepeatedSFixed64(_ tag: FieldTag, into values: inout [Int64]) throws(WireError) {
        try readPackable(tag, .fixed64, into: &values) { reader throws(WireError) in Int64(bitPattern: try reader.readRawFixed64()) }
    }

    public mutating func readRepeatedFloat(_ tag: FieldTag, into values: inout [Float]) throws(WireError) {
        try readPackable(tag, .fixed32, into: &values) { reader throws(WireError) in Float(bitPattern: try reader.readRawFixed32()) }
    }

    public mutating func readRepeatedDouble(_ tag: FieldTag, into values: inout [Double]) throws(WireError) {
        try readPackable(tag, .fixed64, into: &values) { reader throws(WireError) in Double(bitPattern: try reader.readRawFixed64()) }
    }

    // MARK: Maps

    /// Reads one map entry (a message with the key as field 1 and the value as field 2) into
    /// `map`; a missing key or value takes its default, and a later entry for a key wins.
    public mutating func readMapEntry<Key: Hashable, Value>(
        _ tag: FieldTag,
        into map: inout [Key: Value],
        defaultKey: Key,
        defaultValue: Value,
        key readKey: (inout ProtoReader, FieldTag) throws(WireError) -> Key,
        value readValue: (inout ProtoReader, FieldTag) throws(WireError) -> Value
    ) throws(WireError) {
        try expect(tag, .lengthDelimited)
        let length = try readLength()
        try enterNesting()
        defer { remainingDepth += 1 }
        var key = defaultKey
        var value = defaultValue
        try within(length) { reader throws(WireError) in
            while let entryTag = try reader.nextTag() {
                switch entryTag.number {
                case 1:
                    do throws(WireError) { key = try readKey(&reader, entryTag) } catch { throw error.inField("key") }
                case 2:
                    do throws(WireError) { value = try readValue(&reader, entryTag) } catch { throw error.inField("value") }
                default: try reader.skip(entryTag)
                }
            }
        }
        map[key] = value
    }

    /// Reads a `map<string, string>` entry.
    public mutating func readStringMapEntry(_ tag: FieldTag, into map: inout [String: String]) throws(WireError) {
        try readMapEntry(
            tag, into: &map, defaultKey: "", defaultValue: "",
            key: { reader, tag throws(WireError) in try reader.readString(tag) },
            value: { reader, tag throws(WireError) in try reader.readString(tag) }
        )
    }
}
