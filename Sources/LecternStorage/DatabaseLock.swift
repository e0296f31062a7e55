#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// An exclusive `flock` on the database file, held by the one store that writes it.
///
/// SQLite lets several processes write one file, taking turns; Lectern must not. Each store
/// keeps state beside the file (the live feed's position, the session cache, presence), and a
/// second `lecternd` on the same file would serve events the first one's Watch streams never
/// see. `flock` locks are separate from the POSIX record locks SQLite takes on the same file
/// (Linux, BSD), so this lock does not disturb SQLite's own locking, and the kernel drops it
/// when the process ends, however it ends.
final class DatabaseLock: Sendable {
    /// The locked descriptor; -1 once released.
    private let descriptor: Atomic<Int32>
    private let file: FileIdentity

    /// Files this process holds. A second store in the same process is refused here, before
    /// it opens a descriptor of the file: closing that descriptor would drop the POSIX locks
    /// of the first store's SQLite connections with it.
    private static let held = Mutex<Set<FileIdentity>>([])

    /// Locks the file at `path`, which must exist.
    /// - Throws: `inUse` when another store holds it.
    init(path: String) throws(StorageError) {
        guard let file = FileIdentity(path: path) else { throw Self.failure("cannot find the database file to lock it") }
        self.file = file
        guard Self.held.withLock({ $0.insert(file).inserted }) else { throw Self.inUse }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            Self.held.withLock { _ = $0.remove(file) }
            throw Self.failure("cannot open the database file to lock it")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno == EWOULDBLOCK ? Self.inUse : Self.failure("cannot lock the database file")
            close(descriptor)
            Self.held.withLock { _ = $0.remove(file) }
            throw error
        }
        self.descriptor = Atomic(descriptor)
    }

    deinit { release() }

    /// Unlocks the file. Call it after the store's SQLite connections are closed: closing a
    /// descriptor of a file drops every POSIX lock the process holds on it, SQLite's too.
    func release() {
        let descriptor = descriptor.exchange(-1, ordering: .relaxed)
        guard descriptor >= 0 else { return }
        close(descriptor)
        Self.held.withLock { _ = $0.remove(file) }
    }

    private static let inUse = StorageError(.inUse, "another lecternd serves this database; one file has one server")

    private static func failure(_ what: String) -> StorageError {
        StorageError(.ioFailure, "\(what): \(String(cString: strerror(errno)))")
    }
}
