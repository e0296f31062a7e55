import NIOCore

/// Why a byte stream is not a valid sequence of frames. The connection answers with GOAWAY
/// naming it, then closes.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// The gRPC status code the GOAWAY carries.
    public var statusCode: RPCStatusCode

    public init(_ statusCode: RPCStatusCode, _ message: String) {
        self.statusCode = statusCode
        self.message = message
    }

    public var description: String { message }
}

/// Splits bytes into frames. The length in a header is checked against `maxPayloadBytes`
/// before anything of the payload is buffered, so a 4 GiB length costs nothing.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    public let maxPayloadBytes: Int

    public init(maxPayloadBytes: Int) {
        self.maxPayloadBytes = maxPayloadBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.decodeFrame(from: &buffer, maxPayloadBytes: maxPayloadBytes) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// One frame from the front of `buffer`, or nil when it holds less than a whole frame.
    /// - Throws: `FrameError` when the announced payload exceeds `maxPayloadBytes`.
    public static func decodeFrame(from buffer: inout ByteBuffer, maxPayloadBytes: Int) throws(FrameError) -> Frame? {
        guard buffer.readableBytes >= Frame.headerSize,
              let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
              let kind = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
              let flags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
              let callID = buffer.getInteger(at: buffer.readerIndex + 6, as: UInt32.self)
        else { return nil }
        guard Int(length) <= maxPayloadBytes else {
            throw FrameError(.resourceExhausted, "frame of \(length) bytes exceeds the limit of \(maxPayloadBytes) bytes")
        }
        guard buffer.readableBytes >= Frame.headerSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Frame.headerSize)
        // A slice is safe to hold on to; it is a view, not a copy.
        guard let payload = buffer.readSlice(length: Int(length)) else { return nil }
        return Frame(kind: FrameKind(rawValue: kind), flags: FrameFlags(rawValue: flags), callID: callID, payload: payload)
    }
}

/// Writes frames.
public struct FrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data frame: Frame, out: inout ByteBuffer) {
        Self.encode(frame, into: &out)
    }

    public static func encode(_ frame: Frame, into out: inout ByteBuffer) {
        out.reserveCapacity(minimumWritableBytes: Frame.headerSize + frame.payload.readableBytes)
        out.writeInteger(UInt32(frame.payload.readableBytes))
        out.writeInteger(frame.kind.rawValue)
        out.writeInteger(frame.flags.rawValue)
        out.writeInteger(frame.callID)
        var payload = frame.payload
        out.writeBuffer(&payload)
    }
}
