import Foundation

/// Starts a thread that runs `body` under `name`, as `top -H`, `perf` and `/proc/*/task/*/comm`
/// show it. Linux keeps 15 bytes of a thread's name: keep names that short.
///
/// `Thread.name` set before `start()` never reaches the kernel on Linux; set by the running
/// thread on itself, it does.
public func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread {
        Thread.current.name = name
        body()
    }
    thread.start()
}
