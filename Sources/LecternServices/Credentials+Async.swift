import Dispatch

extension Credentials {
    /// `hashPassword` on a Dispatch queue, never on the cooperative pool: argon2id takes
    /// tens of milliseconds and its memory limit (64 MiB), so at most two run at a time.
    static func hashPasswordOffPool(_ password: String, strength: Strength) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            hashingQueue.async {
                hashingSlots.wait()
                defer { hashingSlots.signal() }
                continuation.resume(with: Result { try hashPassword(password, strength: strength) })
            }
        }
    }

    /// `verifyPassword` off the cooperative pool, under the same limit as hashing.
    static func verifyPasswordOffPool(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { continuation in
            hashingQueue.async {
                hashingSlots.wait()
                defer { hashingSlots.signal() }
                continuation.resume(returning: verifyPassword(password, hash: hash))
            }
        }
    }

    private static let hashingQueue = DispatchQueue(label: "lectern.passwords", attributes: .concurrent)
    private static let hashingSlots = DispatchSemaphore(value: 2)
}
