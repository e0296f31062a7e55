import Foundation
import LecternClient
import LecternProtocol
import NIOCore
import Testing
@testable import LecternServer

/// The request data a server holds for open calls, and the responses it holds for clients
/// that do not read, are bounded per connection and in all; past a limit the call at fault
/// ends with RESOURCE_EXHAUSTED and the connection stays.
@Suite("Held memory: requests, and responses left unread")
struct HeldMemoryTests {
    /// A Ping with `bytes` bytes of an unknown field (number 15), which decoding skips.
    static func paddedPing(_ value: UInt64, bytes: Int) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: Ping.with { $0.opaqueData = value }.serializedBytes())
        buffer.writeBytes([0x7A] + varint(UInt64(bytes)))
        buffer.writeRepeatingByte(0x61, count: bytes)
        return buffer
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }

    /// Starts `method` as call `id` and sends its one request with END_STREAM.
    static func call(_ socket: RawSocket, _ id: UInt32, _ method: String, _ request: ByteBuffer) {
        socket.send(Frame(kind: .callStart, callID: id, message: CallStart.with { $0.method = method }))
        socket.send(Frame(kind: .message, flags: .endStream, callID: id, payload: request))
    }

    /// The frames of call `id` up to its CALL_END; the CALL_END decoded.
    static func finish(_ socket: RawSocket, _ id: UInt32) async throws -> (messages: [Frame], end: CallEnd) {
        var messages: [Frame] = []
        while let frame = await socket.readFrame() {
            guard frame.callID == id else { continue }
            if frame.kind == .callEnd { return (messages, try frame.decode(CallEnd.self)) }
            messages.append(frame)
        }
        Issue.record("the connection closed before call \(id) ended")
        return (messages, CallEnd())
    }

    /// The CALL_ENDs of `ids`, which may come in any order.
    static func ends(_ socket: RawSocket, _ ids: Set<UInt32>) async throws -> [UInt32: CallEnd] {
        var ends: [UInt32: CallEnd] = [:]
        while ends.count < ids.count, let frame = await socket.readFrame() {
            if frame.kind == .callEnd, ids.contains(frame.callID) { ends[frame.callID] = try frame.decode(CallEnd.self) }
        }
        return ends
    }

    @Test("responses a client leaves unread are held up to the connection's budget; past it they are dropped, and their calls say they ran")
    func unreadResponses() async throws {
        try await withTestServer({ $0.maxResponseBytesPerConnection = 1 << 20 }) { path, server, observer, _ in
            let socket = try RawSocket(path: path)
            // 40 responses of 256 KiB, 10 MiB in all, asked for before anything is read.
            for id in UInt32(1)...40 { Self.call(socket, id, TestMethods.big, ByteBuffer(bytes: Ping.with { $0.opaqueData = 256 }.serializedBytes())) }
            await observer.started.wait(atLeast: 40)
            try await Task.sleep(for: .milliseconds(300))
            #expect(server.responseMemory.bytesHeld <= 1 << 20)
            var delivered = 0, dropped = 0, ended = 0
            while ended < 40, let frame = await socket.readFrame() {
                if frame.kind == .message {
                    #expect(try frame.decode(CallEnd.self).statusMessage.utf8.count == 256 * 1_024)
                    delivered += 1
                } else if frame.kind == .callEnd {
                    ended += 1
                    let end = try frame.decode(CallEnd.self)
                    if end.statusCode == RPCStatusCode.resourceExhausted.rawValue {
                        #expect(end.statusMessage.contains("the call ran"), "\(end.statusMessage)")
                        dropped += 1
                    }
                }
            }
            #expect(delivered > 0 && dropped > 0 && delivered + dropped == 40, "\(delivered) delivered, \(dropped) dropped")
            #expect(await eventually { server.responseMemory.bytesHeld == 0 })
        }
    }

    @Test("a client that reads gets its responses even while others fill the server's budget for unread ones")
    func readingClientNotRefused() async throws {
        try await withTestServer({ $0.maxResponseBytesPerConnection = 1 << 20; $0.maxResponseBytes = 1 << 20 }) { path, server, observer, _ in
            let lazy = try RawSocket(path: path)
            for id in UInt32(1)...20 { Self.call(lazy, id, TestMethods.big, ByteBuffer(bytes: Ping.with { $0.opaqueData = 256 }.serializedBytes())) }
            await observer.started.wait(atLeast: 20)
            #expect(await eventually { server.responseMemory.bytesHeld >= 3 * 256 * 1_024 })
            let connection = try await RPCConnection.connect(socketPath: path)
            for _ in 0..<10 {
                let big = try await connection.unary(TestMethods.big, Ping.with { $0.opaqueData = 256 }, as: CallEnd.self)
                #expect(big.statusMessage.utf8.count == 256 * 1_024)
            }
            await connection.close()
            _ = lazy
        }
    }

    @Test("a CALL_START over its limit ends that call; the connection stays")
    func largeCallStart() async throws {
        try await withTestServer({ $0.maxCallStartBytes = 1_024 }) { path, server, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with {
                $0.method = TestMethods.echo
                $0.metadata["x-padding"] = String(repeating: "p", count: 2_000)
            }))
            let refused = try await Self.finish(socket, 1)
            #expect(refused.end.statusCode == RPCStatusCode.resourceExhausted.rawValue)
            #expect(refused.end.statusMessage.contains("1024"), "\(refused.end.statusMessage)")
            Self.call(socket, 2, TestMethods.echo, Self.paddedPing(7, bytes: 10))
            let answered = try await Self.finish(socket, 2)
            #expect(answered.end.statusCode == 0)
            #expect(try answered.messages.first?.decode(Ping.self).opaqueData == 7)
            #expect(await eventually { server.requestMemory.bytesHeld == 0 })
        }
    }

    @Test("a request message held by a waiting handler counts until the call ends")
    func unaryRequestsHeld() async throws {
        try await withTestServer({ $0.maxRequestBytesPerConnection = 64 * 1_024 }) { path, server, observer, gate in
            let socket = try RawSocket(path: path)
            // Two calls of 25 KiB wait in their handlers; a third would pass 64 KiB.
            Self.call(socket, 1, TestMethods.gated, Self.paddedPing(1, bytes: 25 * 1_024))
            Self.call(socket, 2, TestMethods.gated, Self.paddedPing(2, bytes: 25 * 1_024))
            await observer.started.wait(atLeast: 2)
            #expect(server.requestMemory.bytesHeld > 50 * 1_024)
            Self.call(socket, 3, TestMethods.gated, Self.paddedPing(3, bytes: 25 * 1_024))
            let refused = try await Self.finish(socket, 3)
            #expect(refused.end.statusCode == RPCStatusCode.resourceExhausted.rawValue)
            #expect(refused.end.statusMessage.contains("\(64 * 1_024) bytes"), "\(refused.end.statusMessage)")
            gate.open()
            #expect(try await Self.ends(socket, [1, 2]).mapValues(\.statusCode) == [1: 0, 2: 0])
            #expect(await eventually { server.requestMemory.bytesHeld == 0 })
            // With the bytes back, the same call fits again.
            Self.call(socket, 4, TestMethods.gated, Self.paddedPing(4, bytes: 25 * 1_024))
            #expect(try await Self.finish(socket, 4).end.statusCode == 0)
        }
    }

    @Test("a client-streaming call whose handler falls behind slows its client down; what waits stays bounded")
    func streamBackpressure() async throws {
        try await withTestServer({ $0.maxBufferedRequestMessages = 4 }) { path, server, observer, gate in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.gatedSum }))
            await observer.started.wait(atLeast: 1)
            // The handler waits at its gate while 100 messages of 10 KiB (1 MB) are sent; the
            // sender blocks once the server stops reading, so it runs on a queue of its own
            // (on Linux `DispatchQueue.global()` is the cooperative pool's threads).
            let sent = AsyncGate()
            DispatchQueue(label: "HeldMemoryTests.sender").async {
                for value in 1...100 { socket.send(Frame(kind: .message, callID: 1, payload: Self.paddedPing(UInt64(value), bytes: 10 * 1_024))) }
                socket.send(Frame(kind: .halfClose, callID: 1))
                sent.open()
            }
            // At most 4 messages wait for the handler, whatever the client sends.
            var most = 0
            for _ in 0..<50 {
                most = max(most, server.requestMemory.bytesHeld)
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(most > 0 && most <= 5 * 11 * 1_024, "held \(most) bytes")
            // The server still serves other connections meanwhile.
            let other = try await RPCConnection.connect(socketPath: path)
            #expect(try await other.unary(TestMethods.echo, Ping.with { $0.opaqueData = 3 }, as: Ping.self).opaqueData == 3)
            await other.close()
            gate.open()
            await sent.wait()
            let summed = try await Self.finish(socket, 1)
            #expect(summed.end.statusCode == 0, "\(summed.end.statusMessage)")
            #expect(try summed.messages.first?.decode(Ping.self).opaqueData == 5_050)
            #expect(await eventually { server.requestMemory.bytesHeld == 0 })
        }
    }

    @Test("stream messages the handler took no longer count")
    func takenMessagesReleased() async throws {
        try await withTestServer({ $0.maxRequestBytesPerConnection = 64 * 1_024 }) { path, server, observer, _ in
            let socket = try RawSocket(path: path)
            // Twenty messages of 10 KiB pass through a 64 KiB limit, one at a time; once each
            // is taken only the CALL_START is held.
            socket.send(Frame(kind: .callStart, callID: 2, message: CallStart.with { $0.method = TestMethods.sum }))
            for value in 1...20 {
                socket.send(Frame(kind: .message, callID: 2, payload: Self.paddedPing(UInt64(value), bytes: 10 * 1_024)))
                await observer.summed.wait(atLeast: value)
                #expect(server.requestMemory.bytesHeld < 2 * 1_024)
            }
            socket.send(Frame(kind: .halfClose, callID: 2))
            let summed = try await Self.finish(socket, 2)
            #expect(summed.end.statusCode == 0)
            #expect(try summed.messages.first?.decode(Ping.self).opaqueData == 210)
        }
    }

    @Test("the server-wide limit holds across connections")
    func serverWide() async throws {
        try await withTestServer({ $0.maxRequestBytes = 64 * 1_024 }) { path, server, observer, gate in
            let first = try RawSocket(path: path), second = try RawSocket(path: path)
            Self.call(first, 1, TestMethods.gated, Self.paddedPing(1, bytes: 25 * 1_024))
            Self.call(second, 1, TestMethods.gated, Self.paddedPing(2, bytes: 25 * 1_024))
            await observer.started.wait(atLeast: 2)
            Self.call(second, 2, TestMethods.gated, Self.paddedPing(3, bytes: 25 * 1_024))
            let refused = try await Self.finish(second, 2)
            #expect(refused.end.statusCode == RPCStatusCode.resourceExhausted.rawValue)
            #expect(refused.end.statusMessage.contains("server holds more than \(64 * 1_024)"), "\(refused.end.statusMessage)")
            gate.open()
            #expect(try await Self.finish(first, 1).end.statusCode == 0)
            #expect(try await Self.finish(second, 1).end.statusCode == 0)
            #expect(await eventually { server.requestMemory.bytesHeld == 0 })
        }
    }
}
