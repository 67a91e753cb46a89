import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import PropertyBased
import Testing
@testable import Host

/// Hostile credentials: whatever mix of wrong, malformed and missing tokens and forwarded
/// addresses arrives, a valid token is always accepted, wrong ones are limited per client, and
/// `X-Forwarded-For` counts only from a trusted proxy.
@Suite("Hostile input: credentials", .serialized, .timeLimit(.minutes(5)))
struct CredentialHostileInputTests {
    /// One request's credentials.
    enum Attempt: Sendable, CustomStringConvertible {
        case valid(String)
        case wrong(String)
        case malformed(String)
        case missing

        var header: String? {
            switch self {
            case .valid(let token), .wrong(let token): "Bearer \(token)"
            case .malformed(let text): text
            case .missing: nil
            }
        }

        var description: String {
            switch self {
            case .valid: "valid"
            case .wrong: "wrong"
            case .malformed: "malformed"
            case .missing: "missing"
            }
        }
    }

    static let attempt = Gen.oneOf(
        Gen<String?>.element(of: [HTTPTestHost.adminToken, HTTPTestHost.hanToken, HTTPTestHost.lumenToken])
            .map { Attempt.valid($0!) },
        Gen.letterOrNumber.string(of: 1...80).map { Attempt.wrong($0) },
        Gen.ascii.string(of: 0...40).map { Attempt.malformed($0) },
        Gen.always(Attempt.missing))

    /// Forwarded-for headers: none, an address, a chain, or junk.
    static let forwardedFor = Gen.oneOf(
        Gen.always(String?.none),
        Gen.uint8().array(of: 4).map { Optional($0.map(String.init).joined(separator: ".")) },
        Gen<String?>.element(of: ["10.0.0.1, 127.0.0.1", "2001:db8::1", "[2001:db8::2]:443", "1.2.3.4:80", "junk", ""]))

    @Test("any mix of credentials and forwarded addresses: a valid token always gets 200")
    func validTokenAlwaysWorks() async throws {
        let host = try await HTTPTestHost.start(limiter: FailedAuthLimiter(burst: 3, interval: .seconds(3_600)))
        defer { Task { await host.stop() } }
        try await host.withClient { client in
            await propertyCheck(count: 40, input: Self.attempt.array(of: 1...30), Self.forwardedFor) { attempts, forwarded in
                for attempt in attempts {
                    var headers = HTTPFields()
                    if let header = attempt.header { headers[.authorization] = header }
                    if let forwarded { headers[TrustedProxies.forwardedFor] = forwarded }
                    let answer = try await client.execute(uri: "/api/v1/bots", method: .get, headers: headers)
                    switch attempt {
                    case .valid: #expect(answer.status == .ok, "\(attempts)")
                    case .wrong, .malformed: #expect([401, 429].contains(answer.status.code), "\(attempt)")
                    case .missing: #expect(answer.status == .unauthorized)
                    }
                }
            }
        }
    }

    @Test("issue #14.10: behind a trusted proxy, eleven wrong tokens limit that client only, never the admin")
    func trustedProxy() async throws {
        var configured = try await HTTPTestHost.start(limiter: FailedAuthLimiter(burst: 10, interval: .seconds(3_600)))
        configured.surface.settings.trustedProxies = try TrustedProxies(["127.0.0.1", "::1"])
        let host = configured
        defer { Task { await host.stop() } }
        try await host.withLiveClient { client in
            let guess = "guess", admin = HTTPTestHost.adminToken
            for _ in 0..<10 {
                let status = try await Self.status(client, guess, from: "203.0.113.7")
                #expect(status == .unauthorized)
            }
            let expectations: [(String, String, HTTPResponse.Status)] = [
                (guess, "203.0.113.7", .tooManyRequests),
                (admin, "203.0.113.7", .ok),
                (admin, "198.51.100.1", .ok),
                (guess, "198.51.100.1", .unauthorized),
                // A client cannot escape its own limit by claiming another address in front of the proxy's.
                (guess, "198.51.100.9, 203.0.113.7", .tooManyRequests),
            ]
            for (token, address, expected) in expectations {
                let status = try await Self.status(client, token, from: address)
                #expect(status == expected, "\(address)")
            }
        }
    }

    /// The status of listing bots with `token`, through a proxy that forwards for `address`.
    static func status(_ client: any TestClientProtocol, _ token: String, from address: String) async throws
        -> HTTPResponse.Status
    {
        try await client.execute(
            uri: "/api/v1/bots", method: .get,
            headers: [.authorization: "Bearer \(token)", TrustedProxies.forwardedFor: address]
        ).status
    }

    @Test("without trusted proxies, X-Forwarded-For is ignored: every claimed address counts against the peer")
    func untrustedForwardedFor() async throws {
        let host = try await HTTPTestHost.start(limiter: FailedAuthLimiter(burst: 5, interval: .seconds(3_600)))
        defer { Task { await host.stop() } }
        try await host.withLiveClient { client in
            for index in 0..<5 {
                let answer = try await client.execute(
                    uri: "/api/v1/bots", method: .get,
                    headers: [.authorization: "Bearer guess", TrustedProxies.forwardedFor: "192.0.2.\(index)"])
                #expect(answer.status == .unauthorized)
            }
            let limited = try await client.execute(
                uri: "/api/v1/bots", method: .get,
                headers: [.authorization: "Bearer guess", TrustedProxies.forwardedFor: "192.0.2.200"])
            #expect(limited.status == .tooManyRequests)
        }
    }

    @Test("trusted ranges match exactly the addresses their prefix covers")
    func rangeMatching() async throws {
        await propertyCheck(count: 500, input: Gen.uint32(), Gen.uint32(), Gen.int(in: 0...32)) { base, probe, prefix in
            func text(_ value: UInt32) -> String {
                [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xFF) }.joined(separator: ".")
            }
            let proxies = try TrustedProxies(["\(text(base))/\(prefix)"])
            let mask: UInt32 = prefix == 0 ? 0 : ~0 << UInt32(32 - prefix)
            #expect(proxies.isTrusted(text(probe)) == (base & mask == probe & mask))
            #expect(proxies.isTrusted(text(base)))
        }
        for bad in ["", "10.0.0.0/33", "10.0.0.0/-1", "example.com", "::1/129", "1.2.3.4/8/9"] {
            #expect(throws: TrustedProxiesError.self) { try TrustedProxies([bad]) }
        }
    }

    @Test("the failed-auth limiter remembers at most its capacity, whatever addresses fail")
    func limiterBounded() async {
        let limiter = FailedAuthLimiter(burst: 3, interval: .seconds(60), capacity: 500)
        let addresses = Gen.oneOf(
            Gen.uint8().array(of: 4).map { $0.map(String.init).joined(separator: ".") },
            Gen.uint16().array(of: 8).map { $0.map { String($0, radix: 16) }.joined(separator: ":") },
            Gen.ascii.string(of: 0...60))
        await propertyCheck(count: 5_000, input: addresses) { address in
            limiter.recordFailure(from: address)
            #expect(limiter.rememberedCount <= limiter.capacity)
        }
        // One IPv6 /64 is one client.
        for host in 1...3 { limiter.recordFailure(from: "2001:db8:1:2::\(host)") }
        #expect(limiter.retryAfter(for: "2001:db8:1:2::ffff") != nil)
    }
}
