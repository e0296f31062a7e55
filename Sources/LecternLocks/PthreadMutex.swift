import Glibc

/// A lock over a value, on a pthread mutex. ThreadSanitizer cannot see the futex that
/// `Synchronization.Mutex` uses on Linux, and reports every critical section as a race; under
/// `Scripts/sanitize thread` each module uses this instead (see its `TSanLocks.swift`).
public final class PthreadMutex<Value>: @unchecked Sendable {
    // @unchecked: `value` is only touched with `mutex` held.
    private var mutex = pthread_mutex_t()
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }

    public func withLockIfAvailable<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result? {
        guard pthread_mutex_trylock(&mutex) == 0 else { return nil }
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&value)
    }
}
