#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import HTTPTypes
import NIOCore

/// The reverse proxies whose `X-Forwarded-For` header is believed (`http.trusted_proxies` in
/// the host config, `--trusted-proxy` on the command line): addresses or CIDR ranges such as
/// `127.0.0.1`, `::1` or `10.0.0.0/8`.
///
/// A request's client is its peer, unless the peer is a trusted proxy: then it is the nearest
/// address in `X-Forwarded-For`, read from the right, that is not a trusted proxy. A header
/// from any other peer is ignored, so nobody can pick the address their failures count against.
struct TrustedProxies: Sendable, Equatable {
    /// One address range: the first `prefix` bits of `bytes` (4 bytes for IPv4, 16 for IPv6).
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        /// Whether `address` (in the same family) lies in the range.
        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var remaining = prefix
            for index in bytes.indices where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                guard address[index] & mask == bytes[index] & mask else { return false }
                remaining -= bits
            }
            return true
        }
    }

    /// The entries as written.
    private(set) var entries: [String] = []
    /// The ranges they name.
    private(set) var ranges: [Range] = []

    /// No trusted proxy: every request's client is its peer.
    init() {}

    /// Proxies from `entries`.
    ///
    /// - Throws: ``TrustedProxiesError`` naming the first entry that is not an address or range.
    init(_ entries: [String]) throws {
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(of: String(parts[0])) else { throw TrustedProxiesError(entry: entry) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...prefix).contains(bits) else {
                    throw TrustedProxiesError(entry: entry)
                }
                prefix = bits
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
            self.entries.append(entry)
        }
    }

    /// Whether the address written `text` is a trusted proxy.
    func isTrusted(_ text: String) -> Bool {
        guard let bytes = Self.bytes(of: text) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The address a request comes from: `peer`, or when `peer` is a trusted proxy, the nearest
    /// untrusted address its `X-Forwarded-For` names (the farthest one when all are trusted).
    func client(peer: SocketAddress?, headers: HTTPFields) -> String {
        guard let peerAddress = peer?.ipAddress.map(Self.unmapped) else { return "unknown" }
        guard !ranges.isEmpty, isTrusted(peerAddress) else { return peerAddress }
        let hops = headers[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
        var client = peerAddress
        for hop in hops.reversed() {
            let text = Self.unmapped(Self.address(inHop: hop))
            guard Self.bytes(of: text) != nil else { break }
            client = text
            if !isTrusted(text) { break }
        }
        return client
    }

    /// The `X-Forwarded-For` header.
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The address of one `X-Forwarded-For` hop, without blanks, brackets or an IPv4 port.
    private static func address(inHop hop: Substring) -> String {
        var text = hop.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("["), let end = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<end])
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        return text
    }

    /// `::ffff:a.b.c.d` as `a.b.c.d`, so an IPv4 client on a dual-stack socket is one address.
    private static func unmapped(_ text: String) -> String {
        text.lowercased().hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text
    }

    /// The bytes of an IPv4 or IPv6 address, or `nil` when `text` is neither.
    static func bytes(of text: String) -> [UInt8]? {
        guard text.utf8.count <= 45 else { return nil }
        // Plain byte buffers, in network order, rather than `in_addr`/`in6_addr`: their zero
        // initialisers are imported from more than one C module once NIO is linked in.
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }
}

/// A trusted proxy entry that is not an address or a CIDR range.
struct TrustedProxiesError: Error, CustomStringConvertible {
    /// The entry as written.
    let entry: String

    var description: String {
        "'\(entry)' is not an IP address or range; write one such as 127.0.0.1, ::1 or 10.0.0.0/8"
    }
}
