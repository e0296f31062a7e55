import Foundation
import LecternClient
import LecternProtocol
import Logging
import NIOCore
import NIOPosix
import Synchronization
@testable import LecternServer

/// What the test handlers saw, for assertions.
final class Observer: Sendable {
    let cancelledCalls = AsyncCounter()
    let streamedMessages = AsyncCounter()
    let started = AsyncCounter()
    /// Request messages the Sum handler has taken.
    let summed = AsyncCounter()
}

/// A count that tests can wait on (suspending, never spinning) until it reaches a value.
final class AsyncCounter: Sendable {
    private let state = Mutex<(value: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    var value: Int { state.withLock { $0.value } }

    func increment() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.value += 1
            let value = state.value
            let ready = state.waiters.filter { $0.0 <= value }.map(\.1)
            state.waiters.removeAll { $0.0 <= value }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    /// Returns once the count is at least `target`.
    func wait(atLeast target: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.value >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// A gate the test opens; handlers wait on it without blocking a thread.
final class AsyncGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

enum TestMethods {
    static let echo = "/test.v1.Test/Echo"
    static let count = "/test.v1.Test/Count"
    static let sum = "/test.v1.Test/Sum"
    static let sleep = "/test.v1.Test/Sleep"
    static let gated = "/test.v1.Test/Gated"
    static let gatedSum = "/test.v1.Test/GatedSum"
    static let flood = "/test.v1.Test/Flood"
    static let batch = "/test.v1.Test/Batch"
    static let big = "/test.v1.Test/Big"
    static let whoAmI = "/test.v1.Test/WhoAmI"
    static let whereOnLoop = "/test.v1.Test/WhereOnLoop"
    static let whereOffLoop = "/test.v1.Test/WhereOffLoop"

    /// Handlers over existing messages: Ping carries a number, CallStart carries what the
    /// server knows of the call.
    static func router(_ observer: Observer, gate: AsyncGate) -> RPCRouter {
        var router = RPCRouter()
        router.unary(echo) { (request: Ping, _) in request }
        router.serverStreaming(count) { (request: Ping, _, writer: ResponseWriter<Ping>) in
            for index in 0..<request.opaqueData { try await writer.write(Ping.with { $0.opaqueData = index }) }
        }
        router.clientStreaming(sum) { (requests: RequestStream<Ping>, _) -> Ping in
            var total: UInt64 = 0
            for try await request in requests {
                total += request.opaqueData
                observer.summed.increment()
            }
            return Ping.with { $0.opaqueData = total }
        }
        router.unary(sleep) { (_: Ping, _) -> Ping in
            observer.started.increment()
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                observer.cancelledCalls.increment()
                throw error
            }
            return Ping()
        }
        router.unary(gated) { (request: Ping, _) -> Ping in
            observer.started.increment()
            await gate.wait()
            return request
        }
        router.clientStreaming(gatedSum) { (requests: RequestStream<Ping>, _) -> Ping in
            observer.started.increment()
            await gate.wait()
            var total: UInt64 = 0
            for try await request in requests { total += request.opaqueData }
            return Ping.with { $0.opaqueData = total }
        }
        router.serverStreaming(flood) { (_: Ping, _, writer: ResponseWriter<CallEnd>) in
            let big = CallEnd.with { $0.statusMessage = String(repeating: "x", count: 64 * 1024) }
            while true {
                try await writer.write(big)
                observer.streamedMessages.increment()
            }
        }
        // A response of Ping.opaqueData KiB (a CallEnd's status_message).
        router.unary(big) { (request: Ping, _) -> CallEnd in
            defer { observer.started.increment() }
            return CallEnd.with { $0.statusMessage = String(repeating: "b", count: Int(request.opaqueData) * 1_024) }
        }
        // Ping.opaqueData messages of 1 KiB (status_code the index), all in one batch write.
        router.serverStreaming(batch) { (request: Ping, _, writer: ResponseWriter<CallEnd>) in
            let padding = String(repeating: "x", count: 1_024)
            try await writer.write(encoded: (0..<request.opaqueData).map { index in
                ByteBuffer(bytes: CallEnd.with { $0.statusCode = UInt32(index); $0.statusMessage = padding }.serializedBytes())
            })
        }
        // 1 when the handler runs on an event loop's thread.
        router.unary(whereOnLoop, onEventLoop: true) { (_: Ping, _) in
            Ping.with { $0.opaqueData = MultiThreadedEventLoopGroup.currentEventLoop == nil ? 0 : 1 }
        }
        // The same, plus 2 when the handler runs on a loop under `context.eventLoopExecutor`.
        router.unary(whereOffLoop) { (_: Ping, context) in
            let onLoop: UInt64 = MultiThreadedEventLoopGroup.currentEventLoop == nil ? 0 : 1
            let preferred = await withTaskExecutorPreference(context.eventLoopExecutor) {
                MultiThreadedEventLoopGroup.currentEventLoop == nil ? UInt64(0) : 2
            }
            return Ping.with { $0.opaqueData = onLoop + preferred }
        }
        router.unary(whoAmI) { (_: Ping, context) -> CallStart in
            CallStart.with {
                $0.method = context.method
                $0.metadata = context.metadata
                $0.metadata["peer.pid"] = String(context.peer.pid)
                $0.metadata["peer.uid"] = String(context.peer.uid)
                $0.timeoutMs = context.deadline == nil ? 0 : 1
            }
        }
        return router
    }
}

/// A server on a fresh socket in a short temp directory, shut down afterwards.
func withTestServer<T>(
    _ configure: (inout RPCServerConfiguration) -> Void = { _ in },
    logger: Logger = Logger(label: "test"),
    _ body: (_ socketPath: String, _ server: RPCServer, _ observer: Observer, _ gate: AsyncGate) async throws -> T
) async throws -> T {
    let directory = "/tmp/lt-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = RPCServerConfiguration(socketPath: directory + "/s.sock")
    configuration.eventLoopThreads = 2
    configuration.shutdownGracePeriod = .seconds(5)
    configure(&configuration)
    let observer = Observer(), gate = AsyncGate()
    let server = RPCServer(configuration: configuration, router: TestMethods.router(observer, gate: gate), logger: logger)
    let running = Task { try await server.run() }
    try await waitForSocket(configuration.socketPath)
    do {
        let result = try await body(configuration.socketPath, server, observer, gate)
        gate.open()
        await server.shutdown()
        try await running.value
        return result
    } catch {
        gate.open()
        await server.shutdown()
        _ = try? await running.value
        throw error
    }
}

/// Whether `condition` holds within `timeout`, checked every 5 ms: for a state the test
/// cannot await, so that a regression fails the test instead of hanging it.
func eventually(within timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < end else { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// Waits until a server accepts connections on `path`.
func waitForSocket(_ path: String) async throws {
    for _ in 0..<2_000 {
        if let connection = try? await RPCConnection.connect(socketPath: path) {
            await connection.close()
            return
        }
        try await Task.sleep(for: .milliseconds(5))
    }
    throw RPCError(.unavailable, "no server on \(path)")
}

/// A log handler that keeps what it is given, for tests that check what the server logs.
struct CapturingLogHandler: LogHandler {
    final class Records: Sendable {
        private let records = Mutex<[(level: Logger.Level, message: String)]>([])
        func append(_ level: Logger.Level, _ message: String) { records.withLock { $0.append((level, message)) } }
        var all: [(level: Logger.Level, message: String)] { records.withLock { $0 } }
    }

    let records: Records
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        records.append(event.level, "\(event.message) \(event.metadata ?? [:])")
    }
}
