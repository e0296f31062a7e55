import NIOCore

/// Runs tasks on one event loop: a handler placed here (`RPCRouter.unary(onEventLoop:)`) runs
/// on its connection's loop and writes its response there, with no hop to another thread
/// and back. Every job waits for the loop's next turn, as `execute` does.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
