import LecternProtocol
import NIOCore

/// How a connection writes its calls' responses: streamed messages in pieces, and each
/// call's last frames within the connection's budget for responses left unread.
extension ServerConnection {
    /// Responses from this size on count against the connection's budget for unread ones.
    static let countedResponseBytes = 4 * 1024

    /// The most bytes of streamed messages copied into one write.
    static let streamPieceBytes = 256 * 1024

    /// Writes a batch of a streaming call's messages (its `ResponseSink`).
    func writeStreamed(_ messages: [ByteBuffer], of call: ServerCall) async throws {
        guard call.beginStreamWrite() else { throw CancellationError() }
        defer { call.endStreamWrite() }
        let bytes = messages.reduce(0) { $0 + $1.readableBytes }
        // One write down the pipeline per piece of the batch, not one per frame. A piece
        // is a copy of its messages (which are often one Watch update's bytes, shared by
        // every stream): at most `Self.streamPieceBytes`, each written once the one
        // before was taken, so a stream whose client does not read holds one piece, not
        // a copy of everything it had queued.
        var start = messages.startIndex
        while start < messages.endIndex {
            var end = start + 1, pieceBytes = messages[start].readableBytes
            while end < messages.endIndex, pieceBytes + messages[end].readableBytes <= Self.streamPieceBytes {
                pieceBytes += messages[end].readableBytes
                end += 1
            }
            if end - start == 1 {
                try await outbound.write(Frame(kind: .message, callID: call.id, payload: messages[start]))
            } else {
                var encoded = ByteBuffer()
                encoded.reserveCapacity(pieceBytes + (end - start) * Frame.headerSize)
                for message in messages[start..<end] { FrameEncoder.encode(Frame(kind: .message, callID: call.id, payload: message), into: &encoded) }
                try await outbound.write(Frame(kind: .encodedFrames, callID: call.id, payload: encoded))
            }
            start = end
        }
        // The outbound writer takes messages until its event loop has written the earlier
        // ones and found the socket full, which a busy loop does late (16 MiB of 64 KiB
        // messages for a client that did not read). After each MiB the handler waits for
        // the loop to catch up, so a stream holds about that before the writer stops it.
        if call.noteStreamed(bytes, settleAfter: 1 << 20) {
            try await channel.eventLoop.submit {}.get()
        }
    }

    /// Writes the call's last frames (its response, if any, and CALL_END) unless it ended already.
    ///
    /// A call that streamed nothing writes them straight to the channel, in one step on its
    /// event loop, while the client keeps reading (the channel is writable); they are
    /// flushed with the other responses written in the same turn of the loop. A call that
    /// streamed goes through the outbound writer, behind its earlier messages; so does any
    /// call while the client is not reading, whose write then waits: a client that stops
    /// reading makes the server hold at most its connection's budget of responses.
    func end(_ call: ServerCall, _ callEnd: CallEnd) async {
        var none: ByteBuffer?
        _ = await end(call, callEnd, response: &none)
    }

    /// `end` with the call's response, taken out of `taken` (which is left nil) so that the
    /// frame built here holds its only reference.
    /// - Returns: the error sent instead of the response, when the connection's budget for
    ///   unread responses (`HeldMemory.responses`) had no room for it.
    func end(_ call: ServerCall, _ callEnd: CallEnd, response taken: inout ByteBuffer?) async -> RPCError? {
        guard call.markEnded() else { return nil }
        let (writing, streamed) = call.stopStreamWrites()
        if writing { await call.streamWritesDone() }
        let retired = retire(call)
        var last = Frame(kind: .callEnd, callID: call.id, message: callEnd)
        var response = taken.map { Frame(kind: .message, callID: call.id, payload: $0) }
        taken = nil
        // A response is held until the socket took it: counted, so that a client that sends
        // calls and reads no answers makes the server hold at most its connection's budget
        // (a thousand 1 MiB pages otherwise stayed in memory for each such connection; the
        // calls a connection may have open bound the count, not the size). Past the budget
        // the response is dropped and the call says so, but only while this client is not
        // reading (the channel is not writable): one that reads is never refused because
        // others filled the server's budget. A response under `countedResponseBytes` is
        // neither counted nor dropped: the calls a connection may have open bound what those
        // hold (4 MiB), and GetMyState's 200 bytes then cost no promise each.
        let writable = !streamed && channel.isWritable
        var held = 0, dropped: RPCError?
        if let message = response, message.payload.readableBytes >= Self.countedResponseBytes {
            held = 2 * Frame.headerSize + message.payload.readableBytes + last.payload.readableBytes
            if writable {
                responseBytes.take(held)
            } else if let refusal = responseBytes.reserve(held) {
                (response, last, held, dropped) = (nil, Frame(kind: .callEnd, callID: call.id, message: refusal.callEnd), 0, refusal)
            }
        }
        if writable {
            let (channel, flusher, responseBytes) = (channel, flusher, responseBytes)
            let write: @Sendable () -> Void = { [response, last, held] in
                if let response { channel.write(response, promise: nil) }
                if held > 0 {
                    let written = channel.eventLoop.makePromise(of: Void.self)
                    written.futureResult.whenComplete { _ in responseBytes.release(held) }
                    channel.write(last, promise: written)
                } else {
                    channel.write(last, promise: nil)
                }
                flusher.flushSoon()
                if retired { self.endWritten() }
            }
            // A handler that ran on the loop (`onEventLoop`) writes at once.
            if channel.eventLoop.inEventLoop { write() } else { channel.eventLoop.execute(write) }
            return dropped
        }
        try? await outbound.write(contentsOf: [response, last].compactMap { $0 })
        if retired { endWritten() }
        responseBytes.release(held)
        return dropped
    }

}
