import Foundation
import LecternClient
import LecternProtocol
import Synchronization
import Testing
@testable import LecternServer

@Suite("RPC calls over a real socket")
struct RPCCallTests {
    @Test("unary, server-streaming and client-streaming calls")
    func everyCallKind() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            let echo = try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 7 }, as: Ping.self)
            #expect(echo.opaqueData == 7)

            var received: [UInt64] = []
            for try await message in try await connection.serverStreaming(TestMethods.count, Ping.with { $0.opaqueData = 5 }, as: Ping.self) {
                received.append(message.opaqueData)
            }
            #expect(received == [0, 1, 2, 3, 4])

            let sum = try await connection.clientStreaming(TestMethods.sum, requestType: Ping.self, as: Ping.self)
            for value in [UInt64(1), 2, 3, 100] { try await sum.send(Ping.with { $0.opaqueData = value }) }
            #expect(try await sum.finish().opaqueData == 106)
            await connection.close()
        }
    }

    @Test("a batch of streamed messages larger than one write piece arrives whole and in order")
    func batchInPieces() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            // 1,000 messages of about 1 KiB: four pieces of at most 256 KiB.
            var received: [UInt32] = []
            for try await message in try await connection.serverStreaming(TestMethods.batch, Ping.with { $0.opaqueData = 1_000 }, as: CallEnd.self) {
                #expect(message.statusMessage.utf8.count == 1_024)
                received.append(message.statusCode)
            }
            #expect(received == Array(0..<1_000))
            await connection.close()
        }
    }

    @Test("a unary handler registered onEventLoop runs on its connection's event loop, unless its request is large; others do not, but get there through context.eventLoopExecutor")
    func eventLoopPlacement() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            for _ in 0..<20 {
                #expect(try await connection.unary(TestMethods.whereOnLoop, Ping(), as: Ping.self).opaqueData == 1)
                #expect(try await connection.unary(TestMethods.whereOffLoop, Ping(), as: Ping.self).opaqueData == 2)
            }
            // A request of the largest size placed on the loop, and one byte more: Ping skips
            // the padding (an unknown field to it).
            func padded(to size: Int) -> CallEnd {
                var request = CallEnd.with { $0.statusMessage = String(repeating: "x", count: size - 3) }
                while request.serializedBytes().count > size { request.statusMessage.removeLast() }
                return request
            }
            let limit = ServerCall.largestRequestOnEventLoop
            #expect(padded(to: limit).serializedBytes().count == limit)
            #expect(try await connection.unary(TestMethods.whereOnLoop, padded(to: limit), as: Ping.self).opaqueData == 1)
            var over = padded(to: limit)
            over.statusMessage += "x"
            #expect(over.serializedBytes().count == limit + 1)
            #expect(try await connection.unary(TestMethods.whereOnLoop, over, as: Ping.self).opaqueData == 0)
            await connection.close()
        }
    }

    @Test("a handler sees the caller's metadata, deadline and peer credentials")
    func context() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            let seen = try await connection.unary(
                TestMethods.whoAmI, Ping(), as: CallStart.self,
                options: CallOptions(timeout: .seconds(30), metadata: ["authorization": "Bearer abc", "x-request-id": "r1"])
            )
            #expect(seen.method == TestMethods.whoAmI)
            #expect(seen.metadata["authorization"] == "Bearer abc")
            #expect(seen.metadata["x-request-id"] == "r1")
            #expect(seen.metadata["peer.pid"] == String(getpid()))
            #expect(seen.metadata["peer.uid"] == String(getuid()))
            #expect(seen.timeoutMs == 1)
            await connection.close()
        }
    }

    @Test("1,000 concurrent calls on one connection are all answered correctly")
    func thousandConcurrentCalls() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for value in 0..<1_000 {
                    group.addTask {
                        let reply = try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = UInt64(value) }, as: Ping.self)
                        return reply.opaqueData == UInt64(value)
                    }
                }
                var correct = 0
                for try await ok in group where ok { correct += 1 }
                #expect(correct == 1_000)
            }
            await connection.close()
        }
    }

    @Test("200 connections at once are all served")
    func twoHundredConnections() async throws {
        try await withTestServer { path, server, _, _ in
            let connections = try await withThrowingTaskGroup(of: RPCConnection.self) { group in
                for _ in 0..<200 { group.addTask { try await RPCConnection.connect(socketPath: path) } }
                var all: [RPCConnection] = []
                for try await connection in group { all.append(connection) }
                return all
            }
            #expect(connections.count == 200)
            try await withThrowingTaskGroup(of: UInt64.self) { group in
                for (index, connection) in connections.enumerated() {
                    group.addTask { try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = UInt64(index) }, as: Ping.self).opaqueData }
                }
                var answers: Set<UInt64> = []
                for try await answer in group { answers.insert(answer) }
                #expect(answers == Set(0..<200))
            }
            #expect(server.connectionCount == 200)
            for connection in connections { await connection.close() }
        }
    }

    @Test("a deadline that passes mid-call ends it with DEADLINE_EXCEEDED and cancels the handler")
    func deadline() async throws {
        try await withTestServer { path, server, observer, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            do {
                _ = try await connection.unary(TestMethods.sleep, Ping(), as: Ping.self, options: CallOptions(timeout: .milliseconds(100)))
                Issue.record("the call outlived its deadline")
            } catch let error as RPCError {
                #expect(error.code == .deadlineExceeded)
            }
            // The handler (an hour's sleep) returned, so it was cancelled. On a slow run the
            // deadline can pass before its request is delivered: then the handler never
            // starts sleeping, and nothing is left to cancel.
            #expect(await eventually { server.activeCallCount == 0 })
            #expect(observer.cancelledCalls.value == observer.started.value)
            // The connection is still fine.
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 3 }, as: Ping.self).opaqueData == 3)
            await connection.close()
        }
    }

    @Test("calls on one connection each end at their own deadline, a sooner one first, whatever order they came in")
    func deadlinesOnOneConnection() async throws {
        try await withTestServer { path, server, observer, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            /// A call to the sleeping handler; its status code once it ends.
            func sleep(_ timeout: Duration) -> Task<RPCStatusCode?, Never> {
                Task {
                    do {
                        _ = try await connection.unary(TestMethods.sleep, Ping(), as: Ping.self, options: CallOptions(timeout: timeout))
                        return .ok
                    } catch {
                        return (error as? RPCError)?.code
                    }
                }
            }
            let late = sleep(.seconds(20))
            await observer.started.wait(atLeast: 1)
            let soon = sleep(.milliseconds(200))
            // A call that ends in time leaves nothing behind.
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 7 }, as: Ping.self,
                                               options: CallOptions(timeout: .seconds(30))).opaqueData == 7)
            // The sooner deadline was watched on its own: it ended long before the later one.
            #expect(await soon.value == .deadlineExceeded)
            // And so is one that comes after it expired, while the later call still runs.
            #expect(await sleep(.milliseconds(100)).value == .deadlineExceeded)
            // Their handlers returned, so they were cancelled (or, on a slow run, never began
            // to sleep); only the 20 s call still runs.
            #expect(await eventually { server.activeCallCount == 1 })
            #expect(observer.cancelledCalls.value == observer.started.value - 1)
            await connection.close()
            #expect(await late.value != .ok)
        }
    }

    @Test("cancelling the client's task cancels the handler on the server")
    func clientCancellation() async throws {
        try await withTestServer { path, _, observer, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            let call = Task { try await connection.unary(TestMethods.sleep, Ping(), as: Ping.self) }
            await observer.started.wait(atLeast: 1)
            call.cancel()
            await #expect(throws: CancellationError.self) { try await call.value }
            await observer.cancelledCalls.wait(atLeast: 1)
            #expect(observer.cancelledCalls.value == 1)
            await connection.close()
        }
    }

    @Test("a unary call from a task cancelled before it starts throws CancellationError; the connection stays usable")
    func cancelledBeforeStart() async throws {
        try await withTestServer { path, _, observer, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            let call = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await connection.unary(TestMethods.sleep, Ping(), as: Ping.self)
            }
            await #expect(throws: CancellationError.self) { try await call.value }
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 5 }, as: Ping.self).opaqueData == 5)
            // Nothing was sent: the server, which read the echo call, never started a sleep.
            #expect(observer.started.value == 0)
            await connection.close()
        }
    }

    @Test("closing the connection cancels its calls")
    func closeCancelsCalls() async throws {
        try await withTestServer { path, _, observer, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            let call = Task { try await connection.unary(TestMethods.sleep, Ping(), as: Ping.self) }
            await observer.started.wait(atLeast: 1)
            await connection.close()
            await #expect(throws: RPCError.self) { try await call.value }
            await observer.cancelledCalls.wait(atLeast: 1)
        }
    }

    @Test("an unknown method is UNIMPLEMENTED and the connection stays usable")
    func unknownMethod() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            do {
                _ = try await connection.unary("/nope.v1.Nope/Nothing", Ping(), as: Ping.self)
                Issue.record("an unknown method answered")
            } catch let error as RPCError {
                #expect(error.code == .unimplemented)
                #expect(error.message.contains("/nope.v1.Nope/Nothing"))
            }
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 1 }, as: Ping.self).opaqueData == 1)
            await connection.close()
        }
    }

    @Test("a request that does not decode is INVALID_ARGUMENT and the connection stays usable")
    func undecodableRequest() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            // HealthCheckRequest's field 1 is a string; as a Ping its field 1 must be fixed64.
            do {
                _ = try await connection.unary(TestMethods.echo, HealthCheckRequest.with { $0.service = "x" }, as: Ping.self)
                Issue.record("a bad request was accepted")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("lectern.v1.Ping"))
            }
            #expect(try await connection.unary(TestMethods.echo, Ping.with { $0.opaqueData = 2 }, as: Ping.self).opaqueData == 2)
            await connection.close()
        }
    }

    @Test("calls beyond the per-connection limit are refused with RESOURCE_EXHAUSTED, the rest go on")
    func callLimit() async throws {
        try await withTestServer({ $0.maxConcurrentCallsPerConnection = 4 }) { path, _, observer, gate in
            let connection = try await RPCConnection.connect(socketPath: path)
            let held = (0..<4).map { value in
                Task { try await connection.unary(TestMethods.gated, Ping.with { $0.opaqueData = UInt64(value) }, as: Ping.self) }
            }
            await observer.started.wait(atLeast: 4)
            do {
                _ = try await connection.unary(TestMethods.echo, Ping(), as: Ping.self)
                Issue.record("a fifth call was admitted")
            } catch let error as RPCError {
                #expect(error.code == .resourceExhausted)
            }
            gate.open()
            for task in held { _ = try await task.value }
            await connection.close()
        }
    }

    @Test("ping is answered with pong")
    func ping() async throws {
        try await withTestServer { path, _, _, _ in
            let connection = try await RPCConnection.connect(socketPath: path)
            try await connection.ping()
            await connection.close()
        }
    }
}
