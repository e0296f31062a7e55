import CSodium
import Glibc
import LecternProtocol
import LecternStorage

/// Opaque page tokens: a position in a list, bound to one caller and one kind of list,
/// signed with HMAC-SHA-512-256 (`crypto_auth`) under a key the store keeps. A token that
/// was changed, made for another caller or for another list is INVALID_ARGUMENT.
struct PageTokens: Sendable {
    /// Which list a token pages through.
    enum Scope: UInt8 {
        case myEvents = 1
        case myMilestones = 2
        case myMessages = 3
        case readers = 4
        case readerEvents = 5
        case readerMilestones = 6
        case conversation = 7
        case activeReaders = 8
    }

    let key: [UInt8]

    /// - Throws: when `key` is not a key's length (a database whose secret was changed by hand).
    init(key: [UInt8]) throws {
        guard key.count == Int(crypto_auth_keybytes()) else {
            throw StorageError(.incompatibleSchema, "the page-token key in server_secrets is \(key.count) bytes, not \(crypto_auth_keybytes()): the database was changed outside Lectern")
        }
        self.key = key
    }

    static func newKey() -> [UInt8] {
        var key = [UInt8](repeating: 0, count: Int(crypto_auth_keybytes()))
        crypto_auth_keygen(&key)
        return key
    }

    /// Payload: version 1, scope, owner (8 bytes, big-endian), the position's bytes; then
    /// the 32-byte MAC.
    func make(_ scope: Scope, owner: Int64, position: [UInt8]) -> String {
        var bytes: [UInt8] = [1, scope.rawValue]
        bytes += Self.bytes(owner)
        bytes += position
        var mac = [UInt8](repeating: 0, count: Int(crypto_auth_bytes()))
        _ = crypto_auth(&mac, bytes, UInt64(bytes.count), key)
        let all = bytes + mac
        let variant = Int32(sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        var text = [CChar](repeating: 0, count: sodium_base64_encoded_len(all.count, variant))
        _ = sodium_bin2base64(&text, text.count, all, all.count, variant)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func make(_ scope: Scope, owner: Int64, position: Int64) -> String {
        make(scope, owner: owner, position: Self.bytes(position))
    }

    /// The position bytes of a token made by `make` for this scope and owner.
    /// - Throws: INVALID_ARGUMENT naming `field` for anything else.
    func bytes(of token: String, _ scope: Scope, owner: Int64, field: String = "page_token") throws -> [UInt8] {
        let invalid = RPCError(.invalidArgument, "\(field): not a page token this server gave to this caller for this list")
        let headerSize = 10, macSize = Int(crypto_auth_bytes())
        guard token.utf8.count <= 1024 else { throw invalid }
        var bytes = [UInt8](repeating: 0, count: 1024)
        var length = 0
        let decoded = token.withCString { text in
            sodium_base642bin(&bytes, bytes.count, text, strlen(text), nil, &length, nil, Int32(sodium_base64_VARIANT_URLSAFE_NO_PADDING))
        }
        guard decoded == 0, length >= headerSize + macSize else { throw invalid }
        let payload = Array(bytes[0..<(length - macSize)]), mac = Array(bytes[(length - macSize)..<length])
        guard crypto_auth_verify(mac, payload, UInt64(payload.count), key) == 0,
              payload[0] == 1, payload[1] == scope.rawValue
        else { throw invalid }
        let tokenOwner = Self.int64(payload[2..<10])
        guard tokenOwner == owner else { throw invalid }
        return Array(payload[10...])
    }

    func position(of token: String, _ scope: Scope, owner: Int64, field: String = "page_token") throws -> Int64 {
        let bytes = try self.bytes(of: token, scope, owner: owner, field: field)
        guard bytes.count == 8 else { throw RPCError(.invalidArgument, "\(field): not a page token of this list") }
        return Self.int64(bytes)
    }

    /// `value` as the 8 big-endian bytes tokens carry owners and positions in.
    static func bytes(_ value: Int64) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    /// The value of 8 big-endian bytes.
    static func int64(_ bytes: some Collection<UInt8>) -> Int64 {
        bytes.reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}
