#if TSAN_LOCKS
import LecternLocks

/// Under ThreadSanitizer (`Scripts/sanitize thread`), a lock it can see in place of
/// `Synchronization.Mutex`.
typealias Mutex<Value> = PthreadMutex<Value>
#endif
