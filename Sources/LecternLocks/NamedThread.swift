import Foundation

/// Starts a thread that runs `body` under `name`, as `top -H`, `perf` and `/proc/*/task/*/comm`
/// show it. Linux takes 15 bytes of a name at most (a longer one is refused), so the name is
/// cut to them (names here are ASCII).
///
/// `Thread.name` set before `start()` never reaches the kernel on Linux, and set by the
/// running thread on itself it did not always either: one run in six of a test kept the
/// name the thread inherits from its creator ("oot.default-qos", a cooperative pool
/// thread's). So the running thread writes its name where the kernel keeps it,
/// `/proc/thread-self/comm` (what `prctl(PR_SET_NAME)` sets; `pthread_setname_np` is not in
/// Swift's Glibc module), and sets `Thread.name` for Foundation's view of it.
public func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    let kernelName = String(decoding: name.utf8.prefix(15), as: UTF8.self)
    let thread = Thread {
        nameThisThread(kernelName)
        Thread.current.name = kernelName
        body()
    }
    thread.start()
}

/// Names the calling thread for the kernel; a name it cannot set is left as it was.
private func nameThisThread(_ name: String) {
    let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { close(fd) }
    _ = name.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, $0.count - 1) }
}
