import Foundation
import LecternClient
import LecternProtocol
import Testing
@testable import LecternServer

/// Bad bytes end the connection with a GOAWAY naming the reason (or, for a bad payload,
/// end just the call); the server keeps serving everyone else.
@Suite("Malformed frames")
struct MalformedFrameTests {
    /// The server still answers a well-behaved client.
    private func stillServing(_ path: String) async throws {
        let connection = try await RPCConnection.connect(socketPath: path)
        #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 9 }, as: Ping.self).opaqueData == 9)
        await connection.close()
    }

    private func goAway(in frames: [Frame]) throws -> GoAway {
        let frame = try #require(frames.last { $0.kind == .goAway })
        return try frame.decode(GoAway.self)
    }

    @Test("a length over the limit: GOAWAY RESOURCE_EXHAUSTED naming the limit, then close")
    func frameTooLarge() async throws {
        try await withTestServer({ $0.maxFrameBytes = 1024 }) { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(header(length: 1025, kind: 2, callID: 1))
            let goAway = try goAway(in: await socket.readUntilClosed())
            #expect(goAway.statusCode == RPCStatusCode.resourceExhausted.rawValue)
            #expect(goAway.message.contains("1024"))
            try await stillServing(path)
        }
    }

    @Test("a length prefix of 4 GiB is refused before any of it is buffered")
    func fourGigabytes() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(header(length: UInt32.max, kind: 2, callID: 1))
            let goAway = try goAway(in: await socket.readUntilClosed())
            #expect(goAway.statusCode == RPCStatusCode.resourceExhausted.rawValue)
            try await stillServing(path)
        }
    }

    @Test("an unknown frame kind: GOAWAY INVALID_ARGUMENT, then close")
    func unknownKind() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(header(length: 0, kind: 99, callID: 1))
            let goAway = try goAway(in: await socket.readUntilClosed())
            #expect(goAway.statusCode == RPCStatusCode.invalidArgument.rawValue)
            #expect(goAway.message.contains("99"))
            try await stillServing(path)
        }
    }

    @Test("CALL_START with call id 0 is a protocol error")
    func callIDZero() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 0, message: CallStart.with { $0.method = TestMethods.echo }))
            #expect(try goAway(in: await socket.readUntilClosed()).message.contains("call id 0"))
            try await stillServing(path)
        }
    }

    @Test("a zero-length MESSAGE is an empty message (all defaults), not an error")
    func zeroLength() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.echo }))
            socket.send(header(length: 0, kind: FrameKind.message.rawValue, flags: FrameFlags.endStream.rawValue, callID: 1))
            let reply = try #require(await socket.readFrame())
            #expect(reply.kind == .message && reply.payload.readableBytes == 0)
            let end = try #require(await socket.readFrame())
            #expect(try end.decode(CallEnd.self).statusCode == 0)
        }
    }

    @Test("END_STREAM on CALL_START: the call has no request message, and its CALL_END comes at once")
    func endStreamOnCallStart() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            // A client-streaming call with no messages runs and sums nothing.
            socket.send(Frame(kind: .callStart, flags: .endStream, callID: 1, message: CallStart.with { $0.method = TestMethods.sum }))
            let sum = try #require(await socket.readFrame())
            #expect(sum.kind == .message && sum.callID == 1)
            #expect(try sum.decode(Ping.self).opaqueData == 0)
            #expect(try #require(await socket.readFrame()).decode(CallEnd.self).statusCode == 0)
            // A unary call needs its one message: INVALID_ARGUMENT, where it used to wait forever.
            socket.send(Frame(kind: .callStart, flags: .endStream, callID: 2, message: CallStart.with { $0.method = TestMethods.echo }))
            let end = try #require(await socket.readFrame())
            #expect(end.kind == .callEnd && end.callID == 2)
            let callEnd = try end.decode(CallEnd.self)
            #expect(callEnd.statusCode == RPCStatusCode.invalidArgument.rawValue)
            #expect(callEnd.statusMessage.contains("sent none"))
        }
    }

    @Test("reserved flag bits are ignored")
    func reservedFlags() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, flags: FrameFlags(rawValue: 0xFE), callID: 1, message: CallStart.with { $0.method = TestMethods.echo }))
            socket.send(Frame(kind: .message, flags: FrameFlags(rawValue: 0xFF), callID: 1, message: Ping.with { $0.opaqueData = 7 }))
            let reply = try #require(await socket.readFrame())
            #expect(try reply.decode(Ping.self).opaqueData == 7)
            #expect(try #require(await socket.readFrame()).decode(CallEnd.self).statusCode == 0)
        }
    }

    @Test("a CALL_START payload that does not decode ends only that call with INVALID_ARGUMENT")
    func undecodableCallStart() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(header(length: 2, kind: FrameKind.callStart.rawValue, callID: 1) + [0x0A, 0x05])
            let end = try #require(await socket.readFrame())
            #expect(end.kind == .callEnd && end.callID == 1)
            #expect(try end.decode(CallEnd.self).statusCode == RPCStatusCode.invalidArgument.rawValue)
            // The same connection still works.
            socket.send(Frame(kind: .callStart, callID: 2, message: CallStart.with { $0.method = TestMethods.echo }))
            socket.send(Frame(kind: .message, flags: .endStream, callID: 2, message: Ping.with { $0.opaqueData = 5 }))
            let reply = try #require(await socket.readFrame())
            #expect(try reply.decode(Ping.self).opaqueData == 5)
        }
    }

    @Test("a truncated header followed by close leaves the server serving")
    func truncatedHeader() async throws {
        try await withTestServer { path, _, _, _ in
            do {
                let socket = try RawSocket(path: path)
                socket.send([0, 0, 0])
            }
            try await stillServing(path)
        }
    }

    @Test("a frame not completed in time ends the connection with GOAWAY")
    func slowFrame() async throws {
        try await withTestServer({ $0.frameCompletionTimeout = .milliseconds(200) }) { path, _, _, _ in
            let socket = try RawSocket(path: path)
            socket.send(header(length: 10, kind: 2, callID: 1) + [1, 2])
            let goAway = try goAway(in: await socket.readUntilClosed())
            #expect(goAway.statusCode == RPCStatusCode.deadlineExceeded.rawValue)
            #expect(goAway.message.contains("not completed"))
            try await stillServing(path)
        }
    }

    @Test("an idle connection is closed with GOAWAY")
    func idleConnection() async throws {
        try await withTestServer({ $0.idleTimeout = .milliseconds(200) }) { path, _, _, _ in
            let socket = try RawSocket(path: path)
            let goAway = try goAway(in: await socket.readUntilClosed())
            #expect(goAway.message.contains("idle"))
        }
    }
}
