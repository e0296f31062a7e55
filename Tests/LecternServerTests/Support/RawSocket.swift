import Foundation
import LecternProtocol
import NIOCore

/// A plain Unix stream socket, to send the server bytes no well-behaved client would.
/// Its blocking reads run on a serial Dispatch queue of its own: blocking one of the
/// cooperative pool's threads would starve the in-process server the test talks to, and on
/// Linux `DispatchQueue.global()` is that pool's threads (several tests reading at once there
/// left the servers no thread for ten seconds, under ThreadSanitizer). A queue of its own
/// runs on Dispatch's overcommit threads, made when needed.
final class RawSocket: @unchecked Sendable {
    // @unchecked: one test uses it at a time, and `fd` never changes.
    let fd: Int32
    private let reads = DispatchQueue(label: "RawSocket.reads")

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RPCError(.internal, "socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw RPCError(.unavailable, "connect: errno \(errno)")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Ends the connection both ways, as a client that leaves does (the descriptor is closed at deinit).
    func hangUp() {
        _ = shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Writes all of `bytes` (a write may take only part of them), unless the connection fails.
    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(fd, raw.baseAddress! + offset, raw.count - offset)  // !: raw.count > 0 here
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    func send(_ frame: Frame) {
        var buffer = ByteBuffer()
        FrameEncoder.encode(frame, into: &buffer)
        send(Array(buffer.readableBytesView))
    }

    /// Reads frames until the server closes the connection (or 10 s pass).
    func readUntilClosed() async -> [Frame] {
        await offThread { self.blockingReadUntilClosed() }
    }

    /// Reads until one whole frame arrived; nil if the connection closed first.
    func readFrame() async -> Frame? {
        await offThread { self.blockingReadFrame() }
    }

    private func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            reads.async { continuation.resume(returning: work()) }
        }
    }

    private func blockingReadUntilClosed() -> [Frame] {
        var buffer = ByteBuffer()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            buffer.writeBytes(chunk[0..<count])
        }
        var frames: [Frame] = []
        while let frame = try? FrameDecoder.decodeFrame(from: &buffer, maxPayloadBytes: 1 << 30) { frames.append(frame) }
        return frames
    }

    /// Keeps bytes read past the last frame for the next read.
    private var pending = ByteBuffer()

    private func blockingReadFrame() -> Frame? {
        var buffer = pending
        defer { pending = buffer }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let frame = try? FrameDecoder.decodeFrame(from: &buffer, maxPayloadBytes: 1 << 30) { return frame }
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return nil }
            buffer.writeBytes(chunk[0..<count])
        }
    }
}

func header(length: UInt32, kind: UInt8, flags: UInt8 = 0, callID: UInt32) -> [UInt8] {
    var buffer = ByteBuffer()
    buffer.writeInteger(length)
    buffer.writeInteger(kind)
    buffer.writeInteger(flags)
    buffer.writeInteger(callID)
    return Array(buffer.readableBytesView)
}
