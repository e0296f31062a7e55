import Dispatch
import Synchronization

/// N read-only connections, each lent to one caller at a time. A read runs on its
/// connection's own serial queue (never on the cooperative thread pool), inside one read
/// transaction, so it sees one consistent snapshot.
///
/// Waiting for a free connection ends at the caller's deadline (`deadlineExceeded`) or
/// when its task is cancelled (`cancelled`). Cancelling a task whose read is running
/// interrupts the running statement (`sqlite3_interrupt`).
final class ReadPool: Sendable {
    private struct State {
        var free: [Int]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Int, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private let slots: [ReadSlot]
    private let state: Mutex<State>

    init(connections: [Connection]) {
        slots = connections.enumerated().map { ReadSlot(index: $0.offset, connection: $0.element) }
        state = Mutex(State(free: Array(slots.indices)))
    }

    var size: Int { slots.count }

    /// Runs `body` on a free connection inside a read transaction.
    /// - Parameter deadline: when to stop waiting for a connection; nil waits until cancelled.
    func read<T: Sendable>(
        deadline: ContinuousClock.Instant? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let index = try await acquire(deadline: deadline)
        defer { release(index) }
        return try await slots[index].run(body)
    }

    /// Fails every waiter and every later read with `closed`.
    func close() {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: StorageError(.closed, "the store is closed")) }
    }

    // MARK: Lending

    private func acquire(deadline: ContinuousClock.Instant?) async throws -> Int {
        try Task.checkCancellation()
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                enum Outcome { case slot(Int), refused(StorageError), waiting }
                let outcome: Outcome = state.withLock { state in
                    if state.closed { return .refused(StorageError(.closed, "the store is closed")) }
                    if let index = state.free.popLast() { return .slot(index) }
                    state.waiters.append((id, continuation))
                    return .waiting
                }
                switch outcome {
                case .slot(let index): continuation.resume(returning: index)
                case .refused(let error): continuation.resume(throwing: error)
                case .waiting:
                    if let deadline {
                        Task { [weak self] in
                            try? await Task.sleep(until: deadline, clock: .continuous)
                            self?.abandon(id, StorageError(.deadlineExceeded, "no read connection became free before the deadline"))
                        }
                    }
                }
            }
        } onCancel: {
            abandon(id, StorageError(.cancelled, "cancelled while waiting for a read connection"))
        }
    }

    /// Fails waiter `id` with `error` if it is still waiting.
    private func abandon(_ id: UInt64, _ error: StorageError) {
        let waiter = state.withLock { state in
            state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
        }
        waiter?.continuation.resume(throwing: error)
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state in
            if state.waiters.isEmpty {
                state.free.append(index)
                return nil as CheckedContinuation<Int, any Error>?
            }
            return state.waiters.removeFirst().continuation
        }
        waiter?.resume(returning: index)
    }
}

/// One read connection, the serial queue it runs on, and the lease that lets a
/// cancelled caller interrupt only its own statement.
private final class ReadSlot: @unchecked Sendable {
    // @unchecked: `connection` is used only on `queue`, by the one caller the pool lent
    // the slot to; `lease` is behind a Mutex.
    private let connection: Connection
    private let interrupter: Interrupter
    private let queue: DispatchQueue
    private let lease = Mutex<UInt64?>(nil)
    private let leases = Atomic<UInt64>(0)

    init(index: Int, connection: Connection) {
        self.connection = connection
        interrupter = connection.interrupter
        queue = DispatchQueue(label: "lectern.reader.\(index)")
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let id = leases.add(1, ordering: .relaxed).newValue
        lease.withLock { $0 = id }
        defer { lease.withLock { $0 = nil } }
        let cancelled = Atomic<Bool>(false)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async { [self] in
                    continuation.resume(with: Result {
                        guard !cancelled.load(ordering: .acquiring) else {
                            throw StorageError(.cancelled, "cancelled before the read started")
                        }
                        return try Self.inReadTransaction(connection, body)
                    })
                }
            }
        } onCancel: {
            cancelled.store(true, ordering: .releasing)
            // Interrupt under the lease lock, so a statement of the slot's next caller is never hit.
            lease.withLock { current in
                if current == id { interrupter.interrupt() }
            }
        }
    }

    private static func inReadTransaction<T>(_ connection: Connection, _ body: (Connection) throws -> T) throws -> T {
        try connection.execute("BEGIN")
        do {
            let result = try body(connection)
            try connection.execute("COMMIT")
            return result
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
    }
}
