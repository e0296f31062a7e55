import Dispatch
import LecternProtocol
import Synchronization
import Testing
@testable import LecternServices

@Suite("Credentials")
struct CredentialsTests {
    @Test("a password verifies against its argon2id hash; another password does not")
    func passwords() throws {
        let hash = try Credentials.hashPassword("correct horse battery staple", strength: .minimum)
        #expect(hash.hasPrefix("$argon2id$"))
        #expect(Credentials.verifyPassword("correct horse battery staple", hash: hash))
        #expect(!Credentials.verifyPassword("correct horse battery stapler", hash: hash))
        #expect(!Credentials.verifyPassword("", hash: hash))
        #expect(!Credentials.verifyPassword("correct horse battery staple", hash: "not a hash"))
    }

    @Test("the same password hashes differently each time (random salt)")
    func salted() throws {
        let first = try Credentials.hashPassword("pässwörd ✓", strength: .minimum)
        let second = try Credentials.hashPassword("pässwörd ✓", strength: .minimum)
        #expect(first != second)
        #expect(Credentials.verifyPassword("pässwörd ✓", hash: first) && Credentials.verifyPassword("pässwörd ✓", hash: second))
    }

    @Test("the interactive strength is what the hash records")
    func interactiveStrength() throws {
        let hash = try Credentials.hashPassword("x", strength: .interactive)
        #expect(hash.contains("m=65536,t=2"))
        #expect(Credentials.verifyPassword("x", hash: hash))
    }

    @Test("tokens are 43 base64url characters and do not repeat")
    func tokens() {
        let tokens = (0..<1_000).map { _ in Credentials.newToken() }
        #expect(Set(tokens).count == 1_000)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy(alphabet.contains) })
    }

    @Test("a token's hash is 32 bytes, the same every time, and differs between tokens")
    func tokenHashes() {
        let token = Credentials.newToken()
        #expect(Credentials.tokenHash(token).count == 32)
        #expect(Credentials.tokenHash(token) == Credentials.tokenHash(token))
        #expect(Credentials.tokenHash(token) != Credentials.tokenHash(Credentials.newToken()))
        // BLAKE2b-256 of "abc" (RFC 7693 test vectors are for BLAKE2b-512; this one is from libsodium's own crypto_generichash).
        #expect(Credentials.tokenHash("abc").prefix(4) == [0xbd, 0xdd, 0x81, 0x3c])
    }

    @Test("a password check whose caller was cancelled before its turn is not run")
    func cancelledCheck() async throws {
        let hash = try Credentials.hashPassword("correct horse battery staple", strength: .minimum)
        let ran = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Credentials.verifyPasswordOffPool("correct horse battery staple", hash: hash)
        }.result
        #expect(throws: CancellationError.self) { try ran.get() }
        // Not cancelled, the same check runs.
        #expect(try await Credentials.verifyPasswordOffPool("correct horse battery staple", hash: hash))
    }

    /// What the jobs of `cancelledWaitersLeave` did.
    private final class Record: Sendable {
        let started = Atomic(false)
        let order = Mutex<[Int]>([])
        var ran: [Int] { order.withLock { $0 } }
        func append(_ n: Int) { order.withLock { $0.append(n) } }
    }

    @Test("password work waiting its turn leaves the queue when its task is cancelled; the rest run in order")
    func cancelledWaitersLeave() async throws {
        let held = try await HeldWork.start()
        let (work, record) = (held.work, held.record)
        let abandoned = (1...50).map { n in Task { try await work.run(.hash) { record.append(n) } } }
        let kept = Task { try await work.run(.hash) { record.append(99) } }
        for task in abandoned { task.cancel() }
        for task in abandoned {
            await #expect(throws: CancellationError.self) { try await task.value }
        }
        // All fifty left while the slot was still held.
        #expect(record.ran.isEmpty)
        try await held.release()
        try await kept.value
        #expect(record.ran == [0, 99])
    }

    /// A one-thread `PasswordWork` whose thread a first job (recorded as 0) holds until `release()`.
    private struct HeldWork {
        let work = PasswordWork(width: 1)
        let record = Record()
        private let gate = DispatchSemaphore(value: 0)
        private var blocker: Task<Void, any Error>?

        /// Returns once the first job holds the thread: until then a queued job could start before it.
        static func start() async throws -> HeldWork {
            var held = HeldWork()
            let (work, record, gate) = (held.work, held.record, held.gate)
            held.blocker = Task { try await work.run(.hash) { record.started.store(true, ordering: .releasing); gate.wait(); record.append(0) } }
            while !record.started.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
            return held
        }

        /// Lets the first job end, and waits for it.
        func release() async throws {
            gate.signal()
            try await blocker?.value
        }
    }

    /// Waits until `count` jobs wait in `lane` (each task queues its job when it runs).
    private func waitFor(_ count: Int, in lane: PasswordWork.Lane, of work: PasswordWork) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while work.waitingCount(lane) < count {
            try #require(ContinuousClock.now < deadline, "\(work.waitingCount(lane)) of \(count) jobs queued")
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    @Test("logins and new passwords take turns: a login waits behind as many hashes as logins, not behind every sign-up")
    func lanesTakeTurns() async throws {
        let held = try await HeldWork.start()
        let (work, record) = (held.work, held.record)
        var tasks: [Task<Void, any Error>] = []
        for n in 1...5 {
            tasks.append(Task { try await work.run(.hash) { record.append(n) } })
            try await waitFor(n, in: .hash, of: work)
        }
        for n in 101...102 {
            tasks.append(Task { try await work.run(.verify) { record.append(n) } })
            try await waitFor(n - 100, in: .verify, of: work)
        }
        try await held.release()
        for task in tasks { try await task.value }
        #expect(record.ran == [0, 101, 1, 102, 2, 3, 4, 5])
    }

    @Test("a lane holding maxWaiting jobs refuses one more with RESOURCE_EXHAUSTED; the other lane still takes jobs")
    func fullLaneRefuses() async throws {
        let held = try await HeldWork.start()
        let (work, record) = (held.work, held.record)
        let waiting = (1...PasswordWork.maxWaiting).map { n in Task { try await work.run(.hash) { record.append(n) } } }
        try await waitFor(PasswordWork.maxWaiting, in: .hash, of: work)
        do {
            try await work.run(.hash) { record.append(-1) }
            Issue.record("a job past the bound was queued")
        } catch let error as RPCError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message.contains("\(PasswordWork.maxWaiting) new passwords are waiting"), "\(error.message)")
        }
        let login = Task { try await work.run(.verify) { record.append(1_000) } }
        try await waitFor(1, in: .verify, of: work)
        try await held.release()
        try await login.value
        for task in waiting { try await task.value }
        #expect(record.ran.count == PasswordWork.maxWaiting + 2)
        #expect(!record.ran.contains(-1))
        #expect(record.ran.prefix(3) == [0, 1_000, 1])
    }
}
