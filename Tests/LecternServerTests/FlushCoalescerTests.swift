import Foundation
import LecternProtocol
import NIOCore
import NIOPosix
import Synchronization
import Testing

@Suite("FlushCoalescer")
struct FlushCoalescerTests {
    /// Counts the flushes that reach the socket.
    final class FlushCounter: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = ByteBuffer
        let flushes = Atomic<Int>(0)
        func flush(context: ChannelHandlerContext) {
            flushes.add(1, ordering: .relaxed)
            context.flush()
        }
    }

    /// Collects what the peer reads.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let bytes = Mutex(0)
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let count = unwrapInboundIn(data).readableBytes
            bytes.withLock { $0 += count }
        }
    }

    @Test("frames written in one turn of the event loop go out with one flush, all of them, over a real socket")
    func oneFlushPerTurn() async throws {
        let directory = "/tmp/lf-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let collector = Collector(), counter = FlushCounter()
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { $0.pipeline.addHandler(collector) }
            .bind(unixDomainSocketPath: directory + "/s.sock").get()
        let client = try await ClientBootstrap(group: group)
            .channelInitializer { $0.pipeline.addHandler(counter) }
            .connect(unixDomainSocketPath: directory + "/s.sock").get()
        let flusher = FlushCoalescer(client)

        // Ten 100-byte writes in one event-loop task, each followed by `flushSoon`.
        let flushedInTheTurn = try await client.eventLoop.submit {
            for _ in 0..<10 {
                client.write(ByteBuffer(repeating: 7, count: 100), promise: nil)
                flusher.flushSoon()
            }
            return counter.flushes.load(ordering: .relaxed)
        }.get()
        // Nothing is flushed before the turn ends; then once.
        #expect(flushedInTheTurn == 0)
        #expect(await eventually { collector.bytes.withLock { $0 } == 1_000 })
        #expect(counter.flushes.load(ordering: .relaxed) == 1)
        // A later turn flushes again.
        try await client.eventLoop.submit {
            client.write(ByteBuffer(repeating: 7, count: 100), promise: nil)
            flusher.flushSoon()
        }.get()
        #expect(await eventually { collector.bytes.withLock { $0 } == 1_100 })
        #expect(counter.flushes.load(ordering: .relaxed) == 2)

        try await client.close()
        try await server.close()
        try await group.shutdownGracefully()
    }
}
