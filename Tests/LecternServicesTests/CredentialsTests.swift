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
}
