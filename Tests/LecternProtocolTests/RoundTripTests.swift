import Foundation
import LecternProtocol
import Testing

/// Randomized checks over every message type: what decodes re-encodes to a stable value,
/// and the canonical form our codec writes is the one protoc writes for the same input.
@Suite("Randomized round trips")
struct RoundTripTests {
    @Test("random wire bytes decode, re-encode and decode to an equal value", arguments: MessageType.all)
    func roundTrips(_ message: MessageType) throws {
        for seed in UInt64(0)..<300 {
            var wire = RandomWire(seed: seed, forProtoc: false)
            let bytes = wire.message(message.type)
            #expect(try message.checkRoundTrip(bytes), "seed \(seed)")
        }
    }

    @Test("our canonical encoding of random input equals protoc's", arguments: MessageType.all)
    func matchesProtoc(_ message: MessageType) throws {
        let protos = try Protoc.protoFiles(in: Protoc.protosDirectory) + (try Protoc.protoFiles(in: Protoc.testProtosDirectory))
        let paths = ["--proto_path=\(Protoc.protosDirectory.path)", "--proto_path=\(Protoc.testProtosDirectory.path)"]
        for seed in UInt64(1000)..<1005 {
            var wire = RandomWire(seed: seed, forProtoc: true)
            let bytes = wire.message(message.type)
            let text = try Protoc.run(paths + ["--decode=\(message.type.protoName)"] + protos, input: bytes)
            try #require(text.status == 0, "protoc --decode, seed \(seed): \(text.stderr)")
            let canonical = try Protoc.run(paths + ["--encode=\(message.type.protoName)"] + protos, input: text.stdout)
            try #require(canonical.status == 0, "protoc --encode, seed \(seed): \(canonical.stderr)")
            let ours = try message.reencode(bytes)
            #expect(ours == canonical.stdout, "seed \(seed)")
        }
    }
}
