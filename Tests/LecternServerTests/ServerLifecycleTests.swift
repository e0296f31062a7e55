import Foundation
import LecternClient
import LecternProtocol
import Logging
import NIOCore
import Testing
@testable import LecternServer

@Suite("Server lifecycle")
struct ServerLifecycleTests {
    @Test("a client that stops reading a stream makes the handler wait; other calls are still served")
    func slowReader() async throws {
        try await withTestServer { path, _, observer, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.flood }))
            socket.send(Frame(kind: .message, flags: .endStream, callID: 1, message: Ping()))
            // The handler writes 64 KiB messages until the socket's buffers are full, then waits.
            await observer.streamedMessages.wait(atLeast: 1)
            var previous = -1
            while observer.streamedMessages.value != previous {
                previous = observer.streamedMessages.value
                try await Task.sleep(for: .milliseconds(200))
            }
            // A stream waits for its event loop after each MiB (`ServerCall.noteStreamed`): 5 to
            // 16 messages of 64 KiB here, with or without three CPU hogs. Without that wait a
            // busy loop let 246 through.
            #expect(previous < 64, "the server buffered \(previous) messages of 64 KiB for a client that does not read")
            let connection = try await RPCConnection.connect(socketPath: path)
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 4 }, as: Ping.self).opaqueData == 4)
            await connection.close()
        }
    }

    /// Sends one call (`start`, then `request` with END_STREAM) to a server whose log is
    /// kept, runs `then`, waits until no call is left, and returns what the server logged.
    private static func logged(
        _ start: CallStart, _ request: [UInt8], then: (RawSocket, Observer) async throws -> Void
    ) async throws -> [(level: Logger.Level, message: String)] {
        let records = CapturingLogHandler.Records()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(records: records) }
        try await withTestServer(logger: logger) { path, server, observer, _ in
            let socket = try RawSocket(path: path)
            socket.send(Frame(kind: .callStart, callID: 1, message: start))
            socket.send(Frame(kind: .message, flags: .endStream, callID: 1, payload: ByteBuffer(bytes: request)))
            try await then(socket, observer)
            #expect(await eventually { server.activeCallCount == 0 })
        }
        return records.all
    }

    @Test("a client that leaves in the middle of a stream is no server error: nothing is logged above info")
    func clientLeavesStream() async throws {
        let records = try await Self.logged(CallStart.with { $0.method = TestMethods.flood }, Ping().serializedBytes()) { socket, observer in
            await observer.streamedMessages.wait(atLeast: 1)
            _ = await socket.readFrame()
            socket.hangUp()
        }
        let loud = records.filter { $0.level > .info }
        #expect(loud.isEmpty, "\(loud.map(\.message))")
    }

    @Test("text a client chose reaches the log on one line: a newline in a request id cannot forge a line")
    func logLinesStayWhole() async throws {
        let start = CallStart.with {
            $0.method = TestMethods.echo
            $0.metadata["x-request-id"] = "abc\nlecternd: FORGED " + String(repeating: "x", count: 400)
        }
        // Not a Ping: the call fails, and its warning names the request id.
        let records = try await Self.logged(start, [0xFF]) { socket, _ in _ = await socket.readFrame() }
        let failed = try #require(records.first { $0.message.contains("call failed") })
        #expect(!failed.message.contains("\n") && failed.message.contains("abc\\u{a}lecternd: FORGED"), "\(failed.message)")
        #expect(!failed.message.contains(String(repeating: "x", count: 300)))
    }

    @Test("a socket path that cannot be bound is a clear error naming the path and the reason")
    func unbindablePaths() async throws {
        let long = "/tmp/" + String(repeating: "s", count: 120) + ".sock"
        for (path, reason) in [("/nonexistent-\(UUID().uuidString.prefix(8))/s.sock", "No such file or directory"), (long, "at most 107 bytes")] {
            let server = RPCServer(
                configuration: RPCServerConfiguration(socketPath: path),
                router: TestMethods.router(Observer(), gate: AsyncGate()), logger: Logger(label: "test")
            )
            do {
                try await server.run()
                Issue.record("\(path) was bound")
            } catch let error as RPCServerError {
                #expect(error.description.hasPrefix("cannot listen on \(path): ") && error.description.contains(reason), "\(error)")
            }
        }
    }

    @Test("graceful shutdown: GOAWAY, calls in flight finish, new calls refused, socket removed")
    func gracefulShutdown() async throws {
        let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        let observer = Observer(), gate = AsyncGate()
        let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: TestMethods.router(observer, gate: gate), logger: Logger(label: "test"))
        let running = Task { try await server.run() }
        try await waitForSocket(path)
        let connection = try await RPCConnection.connect(socketPath: path)
        let inFlight = Task { try await connection.unary(TestMethods.gated, Ping.with { $0.opaqueData = 11 }, as: Ping.self) }
        await observer.started.wait(atLeast: 1)

        let shutdown = Task { await server.shutdown() }
        while connection.goAway == nil { try await Task.sleep(for: .milliseconds(1)) }
        #expect(!connection.isUsable)
        await #expect(throws: RPCError.self) { try await connection.unary(TestMethods.echo, Ping(), as: Ping.self) }
        gate.open()
        #expect(try await inFlight.value.opaqueData == 11)
        await shutdown.value
        try await running.value
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("the client reconnects after the server restarts")
    func reconnect() async throws {
        let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/s.sock"
        func start() async throws -> (RPCServer, Task<Void, any Error>) {
            let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: TestMethods.router(Observer(), gate: AsyncGate()), logger: Logger(label: "test"))
            let running = Task { try await server.run() }
            try await waitForSocket(path)
            return (server, running)
        }
        let client = RPCClient(socketPath: path)
        var (server, running) = try await start()
        #expect(try await client.unary(TestMethods.echo, Ping.with { $0.opaqueData = 1 }, as: Ping.self).opaqueData == 1)
        await server.shutdown()
        try await running.value
        (server, running) = try await start()
        #expect(try await client.unary(TestMethods.echo, Ping.with { $0.opaqueData = 2 }, as: Ping.self).opaqueData == 2)
        await client.close()
        await server.shutdown()
        try await running.value
    }

    @Test("a client that shuts down its writing side gets the answers to its calls; one whose requests had not ended is CANCELLED")
    func clientHalfClose() async throws {
        try await withTestServer { path, _, observer, gate in
            let socket = try RawSocket(path: path)
            func call(_ id: UInt32, _ method: String, _ value: UInt64, ended: Bool = true) -> [UInt8] {
                var bytes = ByteBuffer()
                FrameEncoder.encode(Frame(kind: .callStart, callID: id, message: CallStart.with { $0.method = method }), into: &bytes)
                FrameEncoder.encode(Frame(kind: .message, flags: ended ? .endStream : [], callID: id, message: Ping.with { $0.opaqueData = value }), into: &bytes)
                return Array(bytes.readableBytesView)
            }
            // All in one write, then the write side shut at once: the server may see the end
            // of input before it has set the connection up.
            socket.send(call(1, TestMethods.echo, 5) + call(2, TestMethods.gated, 6) + call(3, TestMethods.sum, 7, ended: false))
            _ = shutdown(socket.fd, Int32(SHUT_WR))
            // The gated call is running when the server sees the end of input (up to 5 s).
            for _ in 0..<1_000 where observer.started.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
            gate.open()
            let frames = await socket.readUntilClosed()
            func answers(_ id: UInt32) -> [String] {
                frames.filter { $0.callID == id }.map { frame in
                    let value = frame.kind == .message
                        ? (try? frame.decode(Ping.self)).map { "message \($0.opaqueData)" }
                        : (try? frame.decode(CallEnd.self)).map { "end \($0.statusCode)" }
                    return value ?? "undecodable \(frame.kind)"
                }
            }
            #expect(answers(1) == ["message 5", "end 0"])
            #expect(answers(2) == ["message 6", "end 0"])
            #expect(answers(3) == ["end \(RPCStatusCode.cancelled.rawValue)"])
        }
    }

    @Test("a call id is free once its CALL_END is sent, even while the ended call's handler still runs")
    func callIDFreeAtCallEnd() async throws {
        try await withTestServer { path, _, observer, gate in
            let socket = try RawSocket(path: path)
            // A handler that ignores its cancellation: its call ends at the deadline, the handler later.
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.gated; $0.timeoutMs = 50 }))
            socket.send(Frame(kind: .message, flags: .endStream, callID: 1, message: Ping()))
            let expired = try #require(await socket.readFrame())
            #expect(expired.kind == .callEnd)
            #expect(try expired.decode(CallEnd.self).statusCode == RPCStatusCode.deadlineExceeded.rawValue)
            #expect(observer.started.value == 1)
            // The client reuses the id at once, as Protos/README.md allows.
            socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.echo }))
            socket.send(Frame(kind: .message, flags: .endStream, callID: 1, message: Ping.with { $0.opaqueData = 9 }))
            let reply = try #require(await socket.readFrame())
            #expect(reply.kind == .message, "got \(reply.kind)")
            #expect(try reply.decode(Ping.self).opaqueData == 9)
            gate.open()
        }
    }

    @Test("no MESSAGE of a stream follows its CALL_END, so its id can be reused at once")
    func streamIDReuse() async throws {
        try await withTestServer { path, _, _, _ in
            let socket = try RawSocket(path: path)
            for round in 0..<5 {
                // A stream of 64 KiB messages that its deadline cuts while it writes.
                socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.flood; $0.timeoutMs = 30 }))
                socket.send(Frame(kind: .message, flags: .endStream, callID: 1, message: Ping()))
                // Not read at first: the deadline passes while a write waits for the socket.
                if round % 2 == 1 { try await Task.sleep(for: .milliseconds(100)) }
                var streamed = 0
                while let frame = await socket.readFrame(), frame.kind == .message { streamed += 1 }
                socket.send(Frame(kind: .callStart, callID: 1, message: CallStart.with { $0.method = TestMethods.echo }))
                socket.send(Frame(kind: .message, flags: .endStream, callID: 1, message: Ping.with { $0.opaqueData = 9 }))
                let reply = try #require(await socket.readFrame())
                #expect(reply.kind == .message && reply.payload.readableBytes < 100, "round \(round), after \(streamed) stream messages: \(reply.kind), \(reply.payload.readableBytes) bytes")
                #expect(try reply.decode(Ping.self).opaqueData == 9)
                #expect(await socket.readFrame()?.kind == .callEnd)
            }
        }
    }

    @Test("timeouts too long for nanoseconds are clamped, not an overflow when a client connects")
    func longTimeouts() async throws {
        #expect(TimeAmount(clamping: .seconds(Int64.max)) == .nanoseconds(.max))
        #expect(TimeAmount(clamping: .seconds(3)) == .seconds(3))
        let configure: (inout RPCServerConfiguration) -> Void = { $0.idleTimeout = .seconds(100_000_000_000_000) }
        let echoed = try await withTestServer(configure) { path, _, _, _ in
            let client = RPCClient(socketPath: path)
            let echoed = try await client.unary(TestMethods.echo, Ping.with { $0.opaqueData = 7 }, as: Ping.self).opaqueData
            await client.close()
            return echoed
        }
        #expect(echoed == 7)
    }

    @Test("a second server refuses a socket a live one serves; a stale socket file is replaced")
    func socketFile() async throws {
        try await withTestServer { path, _, _, _ in
            let second = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: RPCRouter(), logger: Logger(label: "test"))
            await #expect(throws: RPCServerError.self) { try await second.run() }
        }
        // A socket file nobody listens on, as a killed server leaves it.
        let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/stale.sock"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: path))
        let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: TestMethods.router(Observer(), gate: AsyncGate()), logger: Logger(label: "test"))
        let running = Task { try await server.run() }
        try await waitForSocket(path)
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o660)
        await server.shutdown()
        try await running.value
    }

    @Test("shutdown() before the server listens still stops it; the socket only ever appears with its mode", .timeLimit(.minutes(1)))
    func shutdownBeforeListening() async throws {
        let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for n in 0..<20 {
            let path = directory + "/s\(n).sock"
            let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: RPCRouter(), logger: Logger(label: "test"))
            let running = Task { try await server.run() }
            // Anywhere from before the bind to after it: a shutdown found no channel to close, and run() then served forever.
            if n % 2 == 1 { try await Task.sleep(for: .microseconds(n * 100)) }
            var info = stat()
            if stat(path, &info) == 0 { #expect(info.st_mode & 0o777 == 0o660) }
            await server.shutdown()
            try await running.value
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        // Nothing of the staging names is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test("a file at the socket path that is not a socket is refused and kept: --socket naming the database must not delete it")
    func notASocket() async throws {
        let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/lectern.db"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("the readers' data".utf8)))
        let server = RPCServer(configuration: RPCServerConfiguration(socketPath: path), router: RPCRouter(), logger: Logger(label: "test"))
        await #expect(throws: RPCServerError.self) { try await server.run() }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "the readers' data")
        // Nor a symbolic link, even to a socket.
        let link = directory + "/link.sock"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        let other = RPCServer(configuration: RPCServerConfiguration(socketPath: link), router: RPCRouter(), logger: Logger(label: "test"))
        await #expect(throws: RPCServerError.self) { try await other.run() }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == path)
    }
}
