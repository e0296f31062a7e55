import LecternProtocol
import Testing

/// Every decoder gets many thousands of random and mutated byte strings: each returns a
/// value (which must then re-encode stably) or a WireError; none crashes, none hangs.
@Suite("Hostile bytes")
struct HostileBytesTests {
    static let casesPerType = 3_000

    @Test("random and mutated bytes give a value or a WireError", arguments: MessageType.all)
    func survives(_ message: MessageType) throws {
        var rng = SplitMix64(seed: UInt64(truncatingIfNeeded: message.type.protoName.utf8.reduce(5381) { $0 &* 33 &+ Int($1) }))
        var decoded = 0, rejected = 0
        var codes: Set<WireError.Code> = []
        for index in 0..<Self.casesPerType {
            let bytes: [UInt8]
            if index % 4 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                var wire = RandomWire(seed: rng.next(), forProtoc: false)
                bytes = Self.mutate(wire.message(message.type), using: &rng)
            }
            do {
                #expect(try message.checkStable(bytes), "a decoded value must re-encode stably: \(bytes)")
                decoded += 1
            } catch {
                codes.insert(error.code)
                rejected += 1
            }
        }
        #expect(decoded + rejected == Self.casesPerType)
        // The mix must exercise both outcomes, or the test proves little.
        #expect(decoded > 0)
        #expect(rejected > 0)
    }

    /// One to three edits of the kinds that break parsers: bit flips, truncation, a byte
    /// set to an extreme, inserted garbage, a duplicated slice.
    static func mutate(_ input: [UInt8], using rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
            case 1: bytes.removeSubrange(position...)
            case 2 where !bytes.isEmpty: bytes[position] = [0x00, 0x7F, 0x80, 0xFF].randomElement(using: &rng) ?? 0
            case 3: bytes.insert(contentsOf: (0..<Int.random(in: 1...4, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: position)
            case 4 where bytes.count > 1:
                let end = Int.random(in: position..<bytes.count, using: &rng)
                bytes.insert(contentsOf: bytes[position...end], at: end + 1)
            default: bytes.append(0xFF)
            }
        }
        return bytes
    }
}
