import CSodium

/// Passwords and tokens, on libsodium. Passwords are stored only as argon2id hashes
/// (`crypto_pwhash_str`); tokens are 32 random bytes given to the caller once and stored
/// only as their BLAKE2b-256 hash (`crypto_generichash`), so a copy of the database
/// opens no session.
public enum Credentials {
    /// How much work one password hash costs (libsodium's limits).
    public enum Strength: Sendable {
        /// libsodium's INTERACTIVE limits (64 MiB, 2 passes): the default for logins.
        case interactive
        /// libsodium's MODERATE limits (256 MiB, 3 passes).
        case moderate
        /// The smallest limits libsodium accepts; for tests only.
        case minimum

        var limits: (ops: UInt64, memory: Int) {
            switch self {
            case .interactive: (UInt64(crypto_pwhash_opslimit_interactive()), crypto_pwhash_memlimit_interactive())
            case .moderate: (UInt64(crypto_pwhash_opslimit_moderate()), crypto_pwhash_memlimit_moderate())
            case .minimum: (UInt64(crypto_pwhash_opslimit_min()), crypto_pwhash_memlimit_min())
            }
        }
    }

    /// Why a credential operation failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// libsodium must be initialized once before use; `sodium_init` is thread-safe and
    /// idempotent (https://doc.libsodium.org/usage).
    private static let initialized: Bool = sodium_init() >= 0

    /// The encoded argon2id hash of `password` ("$argon2id$v=19$m=…"), with a random salt.
    /// - Throws: `Failure` when libsodium cannot allocate the memory the strength asks for.
    public static func hashPassword(_ password: String, strength: Strength = .interactive) throws -> String {
        precondition(initialized, "libsodium failed to initialize")
        var encoded = [CChar](repeating: 0, count: Int(crypto_pwhash_strbytes()))
        let limits = strength.limits
        // The length is the UTF-8 count, so a password's NUL bytes are hashed too.
        let length = UInt64(password.utf8.count)
        let result = password.withCString { bytes in
            crypto_pwhash_str(&encoded, bytes, length, limits.ops, limits.memory)
        }
        guard result == 0 else { throw Failure(description: "argon2id hashing failed (out of memory?)") }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches an encoded hash made by `hashPassword`.
    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        precondition(initialized, "libsodium failed to initialize")
        let length = UInt64(password.utf8.count)
        return hash.withCString { encoded in
            password.withCString { bytes in crypto_pwhash_str_verify(encoded, bytes, length) == 0 }
        }
    }

    /// A new token: 32 random bytes from libsodium, base64url without padding (43 characters).
    public static func newToken() -> String {
        precondition(initialized, "libsodium failed to initialize")
        var bytes = [UInt8](repeating: 0, count: 32)
        randombytes_buf(&bytes, bytes.count)
        let variant = Int32(sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        var text = [CChar](repeating: 0, count: sodium_base64_encoded_len(bytes.count, variant))
        _ = sodium_bin2base64(&text, text.count, bytes, bytes.count, variant)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The BLAKE2b-256 hash of a token: what the store keeps instead of the token.
    public static func tokenHash(_ token: String) -> [UInt8] {
        precondition(initialized, "libsodium failed to initialize")
        var hash = [UInt8](repeating: 0, count: 32)
        let bytes = Array(token.utf8)
        _ = crypto_generichash(&hash, hash.count, bytes, UInt64(bytes.count), nil, 0)
        return hash
    }
}
