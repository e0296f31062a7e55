import NIOCore

/// One flush for the frames written on a channel in one turn of its event loop.
///
/// Writing each call's frames with `writeAndFlush` costs a `writev` system call per call,
/// and wakes the peer once per call. Frames written with `write` followed by `flushSoon()`
/// go out together in one `writev` when the event loop has run the tasks queued now: with
/// many calls in flight, their responses (or requests) share a system call.
public final class FlushCoalescer: @unchecked Sendable {
    // @unchecked: `pending` is touched only on the channel's event loop.
    private var pending = false
    private let channel: any Channel

    public init(_ channel: any Channel) {
        self.channel = channel
    }

    /// Flushes the channel after the tasks already queued on its event loop; call on that loop.
    public func flushSoon() {
        channel.eventLoop.assertInEventLoop()
        guard !pending else { return }
        pending = true
        channel.eventLoop.execute { [self] in
            pending = false
            channel.flush()
        }
    }
}
