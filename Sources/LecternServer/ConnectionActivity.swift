import Synchronization

/// What the NIO side of a connection needs to know of its calls, shared with the task
/// that serves them.
final class ConnectionActivity: Sendable {
    private let calls = Atomic<Int>(0)
    private let highest = Atomic<UInt32>(0)

    var activeCalls: Int { calls.load(ordering: .relaxed) }
    var highestCallID: UInt32 { highest.load(ordering: .relaxed) }

    func callStarted(_ id: UInt32) {
        calls.add(1, ordering: .relaxed)
        highest.max(id, ordering: .relaxed)
    }

    func callEnded() { calls.subtract(1, ordering: .relaxed) }
}
