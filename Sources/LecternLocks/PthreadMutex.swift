import Glibc

/// A lock over a value, on a pthread mutex. ThreadSanitizer cannot see the futex that
/// `Synchronization.Mutex` uses on Linux, and reports every critical section as a race; under
/// `Scripts/sanitize thread` each module uses this instead (see its `TSanLocks.swift`).
/// The read pool's direct connections use it always: its `withLockIfAvailable` fails in user
/// space, where `Synchronization.Mutex`'s (a priority-inheritance futex) makes a system call.
public final class PthreadMutex<Value>: @unchecked Sendable {
    // @unchecked: the value is only touched with the mutex held. Both live at addresses of
    // their own, not in stored properties: `&` on a stored property is a Swift access (two
    // threads trying the lock at once would be an access race, and a zero-sized value such
    // as `()` would share its address with the next field), and its address may move.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    public init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    public func withLock<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }

    public func withLockIfAvailable<Result, E: Error>(_ body: (inout Value) throws(E) -> Result) throws(E) -> Result? {
        guard pthread_mutex_trylock(mutex) == 0 else { return nil }
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
