import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant
import Yams

/// What every operation shares: finding the bot the caller may see, calling its Tenant,
/// reading bodies and queries.
extension ManagementAPI {
    /// The bot named in the path, if the caller may see it; 404 otherwise, so a brand token
    /// cannot even learn that another brand's bot exists.
    func visibleBot(_ context: HostRequestContext) throws -> BotTable.Entry {
        let id = try context.parameters.require("bot_id")
        guard let entry = supervisor.table[id], context.caller?.mayAccess(brand: entry.manifest.brand) == true else {
            throw Problem.notFound("no bot '\(Problem.excerpt(id))'")
        }
        return entry
    }

    func runningTenant(_ context: HostRequestContext) throws -> Tenant {
        let entry = try visibleBot(context)
        guard let tenant = entry.tenant else {
            throw Problem.conflict("bot '\(entry.manifest.id)' is not running; start it first")
        }
        return tenant
    }

    /// Runs a Tenant call, answering 409 when the bot is not running.
    func tenantCall<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as TenantError {
            throw Problem.conflict(error.reason)
        }
    }

    func summary(of entry: BotTable.Entry) async -> BotSummaryView {
        let manifest = entry.manifest
        let state = supervisor.table[manifest.id]?.state ?? .stopped
        var failure: String?
        if case .failed(let reason) = state { failure = reason }
        let counters = try? await entry.tenant?.status()
        let startedAt = counters?.startedAt
        return BotSummaryView(
            id: manifest.id, name: manifest.shown.name, brand: manifest.brand, platform: manifest.platform.rawValue,
            mode: manifest.receiveMode, state: state.name, failure: failure,
            stoppedByOperator: entry.stoppedByOperator, runsLastGood: !entry.manifestErrors.isEmpty,
            manifestErrors: entry.manifestErrors, startedAt: startedAt,
            uptimeSeconds: startedAt.map { max(0, Int(Date().timeIntervalSince($0))) },
            counters: counters.map { CountersView($0.store) })
    }

    /// A JSON body, or `nil` when there is none.
    func decodeOptional<T: Decodable>(_ request: Request, _ context: HostRequestContext) async throws -> T? {
        let buffer = try await request.body.collect(upTo: BodyLimitMiddleware.apiBody)
        guard buffer.readableBytes > 0 else { return nil }
        let data = Data(buffer: buffer)
        do {
            return try context.requestDecoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .dataCorrupted(let corrupted) = error, corrupted.codingPath.isEmpty,
                let key = Self.oversizedNumberKey(in: data)
            {
                throw Problem.badRequest("\(key) must hold whole numbers from \(Int64.min) to \(Int64.max)")
            }
            throw Problem.badRequest("the body does not fit: \(error.plainDescription)")
        } catch {
            throw Problem.badRequest("the body is not JSON: \(error)")
        }
    }

    /// The first key of a JSON object whose number (or a number in whose array) is not a 64-bit
    /// whole number: the decoder refuses such a body as a whole, without saying where. (Every
    /// number the API's bodies take is a whole number.)
    static func oversizedNumberKey(in data: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        return object.keys.sorted().first { key in
            let values = object[key] as? [Any] ?? [object[key] as Any]
            return values.contains { value in
                guard let number = value as? NSNumber, !(value is Bool) else { return false }
                return Int64(exactly: number.doubleValue) == nil
            }
        }
    }

    static func integerQuery(_ request: Request, _ name: String, range: ClosedRange<Int64>, default value: Int64) throws
        -> Int64
    {
        guard let text = request.uri.queryParameters[Substring(name)] else { return value }
        guard let number = Int64(String(text)), range.contains(number) else {
            throw Problem.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return 20 }
        guard let limit = Int(String(text)), (1...500).contains(limit) else {
            throw Problem.badRequest("limit must be a whole number from 1 to 500")
        }
        return limit
    }

    static func isPlainFileName(_ name: String) -> Bool {
        !name.contains("/") && !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, `nil` when the key is absent; an explicit `null` is an error, as
    /// the API's schema says.
    func decodeUnlessAbsent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        contains(key) ? try decode(type, forKey: key) : nil
    }
}

extension DecodingError {
    /// A key as the API's JSON spells it: `userId` is `user_id`.
    private static func snakeCase(_ key: String) -> String {
        key.reduce(into: "") { text, character in
            if character.isUppercase { text += "_" + character.lowercased() } else { text.append(character) }
        }
    }

    /// What is wrong and where, in a sentence.
    var plainDescription: String {
        func path(_ keys: [any CodingKey]) -> String {
            guard !keys.isEmpty else { return "the body" }
            return keys.map { $0.intValue.map { "[\($0)]" } ?? Self.snakeCase($0.stringValue) }.joined(separator: ".")
        }
        switch self {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)) should be \(type), not null"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
