import Foundation

/// Starts a thread that runs `body` under `name`, as `top -H`, `perf` and `/proc/*/task/*/comm`
/// show it. Linux takes 15 bytes of a name at most (a longer one is refused), so the name is
/// cut to them (names here are ASCII).
///
/// `Thread.name` set before `start()` never reaches the kernel on Linux; set by the running
/// thread on itself, it does.
public func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    let kernelName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
    let thread = Thread {
        Thread.current.name = kernelName
        body()
    }
    thread.start()
}
