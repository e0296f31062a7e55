import LecternProtocol
import NIOCore
import Synchronization

/// One call's task, its request messages, and whether it has ended.
final class ServerCall: Sendable {
    let id: UInt32
    /// When the call must have ended, from its CALL_START's timeout.
    let deadline: ContinuousClock.Instant?
    /// Where a client-streaming call's request messages go; nil for a call that takes one
    /// request, which gets it through `startOnRequest`.
    private let continuation: AsyncStream<ByteBuffer>.Continuation?
    /// A single-request call's body, until its request (or the end of requests) arrives.
    private let waiting = Mutex<(body: @Sendable (ByteBuffer?) async -> Void, executor: (any TaskExecutor)?)?>(nil)
    private let ended = Atomic<Bool>(false)
    /// The handler has every request message it will get: the single request arrived, or
    /// the requests ended.
    private let requestsComplete = Atomic<Bool>(false)
    /// The handler's task once started, and whether the call was cancelled: a cancel that
    /// comes before the task exists (from the deadline timer, while the request that starts
    /// it is being delivered) must still reach it.
    private let task = Mutex<(running: Task<Void, Never>?, cancelled: Bool)>((nil, false))

    /// The request bytes the call holds (`HeldMemory`) and whether it let go of them all;
    /// for a client-streaming call, the messages its handler has not taken yet, their bytes,
    /// and the connection's wait for room among them.
    private let held: Mutex<Held>
    private let account: HeldMemory.Account

    private struct Held {
        var bytes: Int
        var released = false
        var queued = 0
        var queuedBytes = 0
        /// No more messages will be taken: the requests ended, or the call did.
        var closed = false
        var roomWaiter: CheckedContinuation<Void, Never>?

        /// Whether the connection may deliver one more message: there is room, or waiting is pointless.
        func mayDeliver(_ limit: (messages: Int, bytes: Int)) -> Bool {
            closed || released || (queued < limit.messages && queuedBytes < limit.bytes)
        }

        /// Takes the waiter if it may go on.
        mutating func waiterToResume(_ limit: (messages: Int, bytes: Int)) -> CheckedContinuation<Void, Never>? {
            guard mayDeliver(limit) else { return nil }
            defer { roomWaiter = nil }
            return roomWaiter
        }
    }
    /// Room limits for a client-streaming call's waiting messages.
    private let maxQueued: (messages: Int, bytes: Int)

    init(
        id: UInt32, deadline: ContinuousClock.Instant?, requests continuation: AsyncStream<ByteBuffer>.Continuation?,
        holding bytes: Int, of account: HeldMemory.Account, maxQueued: (messages: Int, bytes: Int) = (0, 0)
    ) {
        self.id = id
        self.deadline = deadline
        self.continuation = continuation
        held = Mutex(Held(bytes: bytes))
        self.account = account
        self.maxQueued = maxQueued
    }

    /// For a client-streaming call: returns once its handler has room for one more message
    /// (fewer than `maxQueued` waiting), or the call takes no more. The connection reads no
    /// further frame meanwhile, so a client that sends faster than the handler takes its
    /// messages is slowed down, not refused.
    func waitForRoom() async {
        guard continuation != nil else { return }
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let now = held.withLock { held -> Bool in
                if held.mayDeliver(maxQueued) { return true }
                held.roomWaiter = waiter
                return false
            }
            if now { waiter.resume() }
        }
    }

    /// Holds a request message's bytes for the call, or returns the error naming the limit
    /// they would pass. A call that let go of its bytes takes no more (the message is dropped).
    func hold(_ bytes: Int) -> RPCError? {
        held.withLock { held in
            guard !held.released else { return nil }
            if let error = account.reserve(bytes) { return error }
            held.bytes += bytes
            if continuation != nil {
                held.queued += 1
                held.queuedBytes += bytes
            }
            return nil
        }
    }

    /// The handler took a request message: its bytes are no longer held.
    func release(_ bytes: Int) {
        let waiter = held.withLock { held in
            let released = min(bytes, held.bytes)
            held.bytes -= released
            held.queued = max(0, held.queued - 1)
            held.queuedBytes = max(0, held.queuedBytes - bytes)
            account.release(released)
            return held.waiterToResume(maxQueued)
        }
        waiter?.resume()
    }

    /// The call ended: everything it held goes back.
    func releaseAll() {
        let waiter = held.withLock { held in
            account.release(held.bytes)
            held.bytes = 0
            held.released = true
            return held.waiterToResume(maxQueued)
        }
        waiter?.resume()
    }

    /// Runs `body` in a task of its own, on `executor` when given.
    func start(on executor: (any TaskExecutor)? = nil, _ body: @escaping @Sendable () async -> Void) {
        task.withLock { task in
            let running = Task(executorPreference: executor) { await body() }
            if task.cancelled { running.cancel() }
            task.running = running
        }
    }

    /// Starts `body` with the first request message, or with nil when requests end (or
    /// the call is cancelled) before one arrives.
    func startOnRequest(on executor: (any TaskExecutor)? = nil, _ body: @escaping @Sendable (ByteBuffer?) async -> Void) {
        waiting.withLock { $0 = (body, executor) }
    }

    /// The largest request a handler placed on the event loop runs there with. A larger one
    /// runs on the global executor: decoding and checking 1,000 events (up to 1 ms) would
    /// hold up every connection of the loop.
    static let largestRequestOnEventLoop = 16 * 1024

    private func startWaiting(with request: ByteBuffer?) {
        guard let (body, executor) = waiting.withLock({ waiting in defer { waiting = nil }; return waiting }) else { return }
        let small = (request?.readableBytes ?? 0) <= Self.largestRequestOnEventLoop
        start(on: small ? executor : nil) { await body(request) }
    }

    /// Queues a request message; false when the handler has too many waiting. A
    /// single-request call starts with its first message and ignores any more.
    func deliver(_ message: ByteBuffer) -> Bool {
        guard let continuation else {
            requestsComplete.store(true, ordering: .releasing)
            startWaiting(with: message)
            return true
        }
        switch continuation.yield(message) {
        case .dropped: return false
        case .enqueued, .terminated: return true
        @unknown default: return true
        }
    }

    /// No request message will be taken from now on (the requests ended, or the connection
    /// closed and only the frames already read remain): the connection must not wait for room.
    func stopWaitingForRoom() {
        let waiter = held.withLock { held in
            held.closed = true
            return held.waiterToResume(maxQueued)
        }
        waiter?.resume()
    }

    /// True once the handler has every request message it will get.
    var hasAllRequests: Bool { requestsComplete.load(ordering: .acquiring) }

    func finishRequests() {
        requestsComplete.store(true, ordering: .releasing)
        stopWaitingForRoom()
        continuation?.finish()
        startWaiting(with: nil)
    }

    /// Ends the requests and cancels the handler (started first if it was waiting, so that
    /// it ends the call and leaves the connection's books like any other).
    func cancel() {
        finishRequests()
        task.withLock { task in
            task.cancelled = true
            task.running?.cancel()
        }
    }

    /// Returns once the handler's task, if it started, has ended.
    func finished() async {
        await task.withLock { $0.running }?.value
    }

    /// True the first time only: whoever ends the call writes its CALL_END.
    func markEnded() -> Bool { !ended.exchange(true, ordering: .acquiringAndReleasing) }

    private let deadlinePassed = Atomic<Bool>(false)
    /// The call was ended by its deadline.
    func markDeadlinePassed() { deadlinePassed.store(true, ordering: .releasing) }
    var passedDeadline: Bool { deadlinePassed.load(ordering: .acquiring) }

    private let unsettledBytes = Atomic<Int>(0)
    /// Counts `bytes` streamed; true (and the count starts over) once they pass `limit`.
    /// Called by the call's one handler, one write at a time.
    func noteStreamed(_ bytes: Int, settleAfter limit: Int) -> Bool {
        let total = unsettledBytes.add(bytes, ordering: .relaxed).newValue
        guard total >= limit else { return false }
        unsettledBytes.store(0, ordering: .relaxed)
        return true
    }

    /// Stream writes under way, whether any began, and whether the call's end has stopped
    /// them. The end waits for the writes under way before its CALL_END, and no write starts
    /// after it: no MESSAGE of the call can follow its CALL_END, so a client may reuse the id
    /// at once. A call that streamed sends its last frames through the outbound writer too,
    /// behind its messages.
    private let streamWrites = Mutex<(inFlight: Int, began: Bool, stopped: Bool, waiter: CheckedContinuation<Void, Never>?)>((0, false, false, nil))

    /// False once the call's end stopped stream writes; otherwise call `endStreamWrite` after.
    func beginStreamWrite() -> Bool {
        streamWrites.withLock { writes in
            guard !writes.stopped else { return false }
            writes.inFlight += 1
            writes.began = true
            return true
        }
    }

    func endStreamWrite() {
        let waiter = streamWrites.withLock { writes -> CheckedContinuation<Void, Never>? in
            writes.inFlight -= 1
            guard writes.inFlight == 0 else { return nil }
            defer { writes.waiter = nil }
            return writes.waiter
        }
        waiter?.resume()
    }

    /// Stops stream writes: whether some are under way (wait for them with
    /// `streamWritesDone`), and whether the call streamed at all.
    func stopStreamWrites() -> (writing: Bool, streamed: Bool) {
        streamWrites.withLock { writes in
            writes.stopped = true
            return (writes.inFlight > 0, writes.began)
        }
    }

    /// Returns once no stream write is under way.
    func streamWritesDone() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = streamWrites.withLock { writes in
                guard writes.inFlight > 0 else { return true }
                writes.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}
