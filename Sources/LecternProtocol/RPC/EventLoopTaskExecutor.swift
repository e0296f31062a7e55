import NIOCore

/// Runs tasks on one event loop. A task that prefers it (`withTaskExecutorPreference`) and
/// waits on its channel resumes on the loop that read the answer, with no hop to another
/// thread and back: the server's handlers placed on their connection's loop
/// (`RPCRouter.unary(onEventLoop:)`), a client's callers placed on their connection's.
/// Every job waits for the loop's next turn, as `execute` does.
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
