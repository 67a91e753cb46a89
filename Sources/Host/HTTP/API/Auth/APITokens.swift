import Crypto
import Foundation

/// The management API's bearer tokens, kept as SHA-256 digests only.
///
/// The admin token comes from `AVIARY_ADMIN_TOKEN` or `--admin-token-file`; brand tokens from
/// the host config file's `api.brand_tokens` (brand → SHA-256 hex of the token). A presented
/// token is hashed and compared with every known digest in constant time.
struct APITokens: Sendable {
    /// The admin token's digest, if an admin token is configured.
    let admin: [UInt8]?
    /// Each brand's token digest.
    let brands: [(brand: String, digest: [UInt8])]
    /// Each brand token's display name, when the host config gives one (`Han operators`).
    let displayNames: [String: String]

    /// Tokens from their digests.
    init(admin: [UInt8]?, brands: [String: [UInt8]], displayNames: [String: String] = [:]) {
        self.admin = admin
        self.brands = brands.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        self.displayNames = displayNames
    }

    /// Whether any token can be presented at all.
    var isEmpty: Bool { admin == nil && brands.isEmpty }

    /// The SHA-256 digest of a token.
    static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// Who `token` belongs to, or `nil` for no known token. Every digest is compared, and each
    /// comparison takes the same time whatever the bytes, so timing says nothing about tokens.
    func caller(for token: String) -> Caller? {
        let presented = Self.digest(of: token)
        var found: Caller?
        if let admin, Self.constantTimeEqual(admin, presented) { found = .admin }
        for (brand, digest) in brands where Self.constantTimeEqual(digest, presented) {
            if found == nil { found = .brand(brand) }
        }
        return found
    }

    /// Compares two byte strings without stopping at the first difference.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Parses a SHA-256 digest written as 64 hex digits.
    static func digest(hex: String) -> [UInt8]? {
        let characters = Array(hex.lowercased().utf8)
        guard characters.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = hexValue(characters[index]), let low = hexValue(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
