import LecternProtocol
import NIOCore

extension FrameKind {
    /// Never on the wire: a write whose payload is frames already encoded, which
    /// `ServerFrameEncoder` passes on as they are. A stream's batch of messages then goes
    /// down the pipeline as one write, not one per frame (each boxed, encoded and queued).
    static let encodedFrames = FrameKind(rawValue: 0)
}

/// The server's outbound framing: `FrameEncoder`, except that an `encodedFrames` write
/// passes through as it is.
struct ServerFrameEncoder: MessageToByteEncoder {
    typealias OutboundIn = Frame

    func encode(data frame: Frame, out: inout ByteBuffer) {
        guard frame.kind == .encodedFrames else { return FrameEncoder.encode(frame, into: &out) }
        var encoded = frame.payload
        out.writeBuffer(&encoded)
    }
}
