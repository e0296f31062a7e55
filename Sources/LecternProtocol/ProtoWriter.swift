/// Writes protobuf wire format into a growing byte array.
///
/// Field writers follow proto3: a singular field holding its default (0, false, "",
/// empty bytes, enum 0) is not written; the `Optional` overloads are for fields with
/// explicit presence (`optional` in proto3, map entries) and write any non-nil value.
/// Fields must be written in field-number order for the output to match other
/// implementations byte for byte.
public struct ProtoWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Raw values

    @inline(__always)
    public mutating func writeRawVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    @inline(__always)
    mutating func writeKey(_ field: Int, _ wireType: WireType) {
        precondition((1...FieldTag.maxFieldNumber).contains(field), "field number \(field) out of range")
        writeRawVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    @inline(__always)
    mutating func writeRawFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func writeRawFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The number of bytes `value` takes as a varint (1 to 10).
    static func varintSize(_ value: UInt64) -> Int {
        value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
    }

    /// Writes a length-delimited field whose content `body` writes. The length is not
    /// known in advance: one byte is reserved for it and the content moved only when
    /// it is 128 bytes or longer.
    @inline(__always)
    public mutating func writeLengthDelimited(field: Int, _ body: (inout ProtoWriter) -> Void) {
        writeKey(field, .lengthDelimited)
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        let length = bytes.count - lengthIndex - 1
        if length < 0x80 {
            bytes[lengthIndex] = UInt8(length)
            return
        }
        let size = Self.varintSize(UInt64(length))
        bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: lengthIndex + 1)
        var value = length
        var index = lengthIndex
        while value >= 0x80 {
            bytes[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            index += 1
        }
        bytes[index] = UInt8(value)
    }

    @inline(__always)
    private mutating func writeVarintField(_ value: UInt64, field: Int) {
        writeKey(field, .varint)
        writeRawVarint(value)
    }

    private static func zigZag(_ value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    private static func zigZag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    // MARK: Singular scalars (default not written)

    public mutating func writeInt32(_ value: Int32, field: Int) {
        if value != 0 { writeInt32(.some(value), field: field) }
    }

    public mutating func writeInt64(_ value: Int64, field: Int) {
        if value != 0 { writeInt64(.some(value), field: field) }
    }

    public mutating func writeUInt32(_ value: UInt32, field: Int) {
        if value != 0 { writeUInt32(.some(value), field: field) }
    }

    public mutating func writeUInt64(_ value: UInt64, field: Int) {
        if value != 0 { writeUInt64(.some(value), field: field) }
    }

    public mutating func writeSInt32(_ value: Int32, field: Int) {
        if value != 0 { writeSInt32(.some(value), field: field) }
    }

    public mutating func writeSInt64(_ value: Int64, field: Int) {
        if value != 0 { writeSInt64(.some(value), field: field) }
    }

    public mutating func writeBool(_ value: Bool, field: Int) {
        if value { writeBool(.some(value), field: field) }
    }

    public mutating func writeEnum<E: ProtoEnum>(_ value: E, field: Int) {
        if value.rawValue != 0 { writeInt32(.some(value.rawValue), field: field) }
    }

    public mutating func writeFixed32(_ value: UInt32, field: Int) {
        if value != 0 { writeFixed32(.some(value), field: field) }
    }

    public mutating func writeFixed64(_ value: UInt64, field: Int) {
        if value != 0 { writeFixed64(.some(value), field: field) }
    }

    public mutating func writeSFixed32(_ value: Int32, field: Int) {
        if value != 0 { writeSFixed32(.some(value), field: field) }
    }

    public mutating func writeSFixed64(_ value: Int64, field: Int) {
        if value != 0 { writeSFixed64(.some(value), field: field) }
    }

    /// Writes unless the bit pattern is +0.0 (so -0.0 is written, as other implementations do).
    public mutating func writeFloat(_ value: Float, field: Int) {
        if value.bitPattern != 0 { writeFloat(.some(value), field: field) }
    }

    /// Writes unless the bit pattern is +0.0 (so -0.0 is written, as other implementations do).
    public mutating func writeDouble(_ value: Double, field: Int) {
        if value.bitPattern != 0 { writeDouble(.some(value), field: field) }
    }

    public mutating func writeString(_ value: String, field: Int) {
        if !value.isEmpty { writeString(.some(value), field: field) }
    }

    public mutating func writeBytes(_ value: [UInt8], field: Int) {
        if !value.isEmpty { writeBytes(.some(value), field: field) }
    }

    // MARK: Scalars with presence (written whenever not nil)

    public mutating func writeInt32(_ value: Int32?, field: Int) {
        if let value { writeVarintField(UInt64(bitPattern: Int64(value)), field: field) }
    }

    public mutating func writeInt64(_ value: Int64?, field: Int) {
        if let value { writeVarintField(UInt64(bitPattern: value), field: field) }
    }

    public mutating func writeUInt32(_ value: UInt32?, field: Int) {
        if let value { writeVarintField(UInt64(value), field: field) }
    }

    public mutating func writeUInt64(_ value: UInt64?, field: Int) {
        if let value { writeVarintField(value, field: field) }
    }

    public mutating func writeSInt32(_ value: Int32?, field: Int) {
        if let value { writeVarintField(Self.zigZag(value), field: field) }
    }

    public mutating func writeSInt64(_ value: Int64?, field: Int) {
        if let value { writeVarintField(Self.zigZag(value), field: field) }
    }

    public mutating func writeBool(_ value: Bool?, field: Int) {
        if let value { writeVarintField(value ? 1 : 0, field: field) }
    }

    public mutating func writeEnum<E: ProtoEnum>(_ value: E?, field: Int) {
        if let value { writeInt32(.some(value.rawValue), field: field) }
    }

    public mutating func writeFixed32(_ value: UInt32?, field: Int) {
        guard let value else { return }
        writeKey(field, .fixed32)
        writeRawFixed32(value)
    }

    public mutating func writeFixed64(_ value: UInt64?, field: Int) {
        guard let value else { return }
        writeKey(field, .fixed64)
        writeRawFixed64(value)
    }

    public mutating func writeSFixed32(_ value: Int32?, field: Int) {
        writeFixed32(value.map { UInt32(bitPattern: $0) }, field: field)
    }

    public mutating func writeSFixed64(_ value: Int64?, field: Int) {
        writeFixed64(value.map { UInt64(bitPattern: $0) }, field: field)
    }

    public mutating func writeFloat(_ value: Float?, field: Int) {
        writeFixed32(value?.bitPattern, field: field)
    }

    public mutating func writeDouble(_ value: Double?, field: Int) {
        writeFixed64(value?.bitPattern, field: field)
    }

    public mutating func writeString(_ value: String?, field: Int) {
        guard var value else { return }
        writeKey(field, .lengthDelimited)
        value.withUTF8 { utf8 in
            writeRawVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func writeBytes(_ value: [UInt8]?, field: Int) {
        guard let value else { return }
        writeKey(field, .lengthDelimited)
        writeRawVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    // MARK: Messages

    /// Writes a message field that is set, even when the message is empty.
    public mutating func writeMessage<M: ProtoMessage>(_ message: M?, field: Int) {
        guard let message else { return }
        writeLengthDelimited(field: field) { message.encode(to: &$0) }
    }

    public mutating func writeRepeatedMessage<M: ProtoMessage>(_ messages: [M], field: Int) {
        for message in messages {
            writeLengthDelimited(field: field) { message.encode(to: &$0) }
        }
    }

    // MARK: Repeated fields (scalars packed, as proto3 does by default)

    /// Writes a repeated scalar: packed in one length-delimited run (proto3's default), or
    /// unpacked, one key per element, for fields declared `[packed = false]`.
    private mutating func writePacked<T>(
        _ values: [T], field: Int, packed: Bool, _ wireType: WireType, _ writeOne: (inout ProtoWriter, T) -> Void
    ) {
        guard !values.isEmpty else { return }
        if packed {
            writeLengthDelimited(field: field) { writer in
                for value in values { writeOne(&writer, value) }
            }
        } else {
            for value in values {
                writeKey(field, wireType)
                writeOne(&self, value)
            }
        }
    }

    public mutating func writeRepeatedInt32(_ values: [Int32], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(UInt64(bitPattern: Int64($1))) }
    }

    public mutating func writeRepeatedInt64(_ values: [Int64], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(UInt64(bitPattern: $1)) }
    }

    public mutating func writeRepeatedUInt32(_ values: [UInt32], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(UInt64($1)) }
    }

    public mutating func writeRepeatedUInt64(_ values: [UInt64], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint($1) }
    }

    public mutating func writeRepeatedSInt32(_ values: [Int32], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(Self.zigZag($1)) }
    }

    public mutating func writeRepeatedSInt64(_ values: [Int64], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(Self.zigZag($1)) }
    }

    public mutating func writeRepeatedBool(_ values: [Bool], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint($1 ? 1 : 0) }
    }

    public mutating func writeRepeatedEnum<E: ProtoEnum>(_ values: [E], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .varint) { $0.writeRawVarint(UInt64(bitPattern: Int64($1.rawValue))) }
    }

    public mutating func writeRepeatedFixed32(_ values: [UInt32], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed32) { $0.writeRawFixed32($1) }
    }

    public mutating func writeRepeatedFixed64(_ values: [UInt64], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed64) { $0.writeRawFixed64($1) }
    }

    public mutating func writeRepeatedSFixed32(_ values: [Int32], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed32) { $0.writeRawFixed32(UInt32(bitPattern: $1)) }
    }

    public mutating func writeRepeatedSFixed64(_ values: [Int64], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed64) { $0.writeRawFixed64(UInt64(bitPattern: $1)) }
    }

    public mutating func writeRepeatedFloat(_ values: [Float], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed32) { $0.writeRawFixed32($1.bitPattern) }
    }

    public mutating func writeRepeatedDouble(_ values: [Double], field: Int, packed: Bool = true) {
        writePacked(values, field: field, packed: packed, .fixed64) { $0.writeRawFixed64($1.bitPattern) }
    }

    /// Repeated strings are never packed: one field per element, empty ones included.
    public mutating func writeRepeatedString(_ values: [String], field: Int) {
        for value in values { writeString(.some(value), field: field) }
    }

    public mutating func writeRepeatedBytes(_ values: [[UInt8]], field: Int) {
        for value in values { writeBytes(.some(value), field: field) }
    }

    // MARK: Maps

    /// Writes a map as repeated entries (key as field 1, value as field 2, both always
    /// written), sorted by key so the same map always encodes to the same bytes.
    public mutating func writeMap<Key: Comparable, Value>(
        _ map: [Key: Value],
        field: Int,
        key writeKey: (inout ProtoWriter, Key) -> Void,
        value writeValue: (inout ProtoWriter, Value) -> Void
    ) {
        guard !map.isEmpty else { return }
        for (key, value) in map.sorted(by: { $0.key < $1.key }) {
            writeLengthDelimited(field: field) { entry in
                writeKey(&entry, key)
                writeValue(&entry, value)
            }
        }
    }

    /// Writes a `map<string, string>`.
    public mutating func writeStringMap(_ map: [String: String], field: Int) {
        writeMap(map, field: field, key: { $0.writeString(.some($1), field: 1) }, value: { $0.writeString(.some($1), field: 2) })
    }
}
