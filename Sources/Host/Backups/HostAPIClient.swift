import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The management API of the host running on a data folder, as `aviary backup` and
/// `aviary restore` call it to coordinate with that host.
struct HostAPIClient: Sendable {
    /// The API's address (`http://127.0.0.1:8080`).
    let baseURL: String
    /// The admin token.
    let token: String

    /// The client for `baseURL` with the admin token from `AVIARY_ADMIN_TOKEN`, else from
    /// `tokenFile`, else from `<data-dir>/admin.token` (where `scripts/run.sh` makes one).
    ///
    /// - Throws: ``HostError`` saying where a token is looked for.
    static func resolve(
        baseURL: String,
        tokenFile: String?,
        dataDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> HostAPIClient {
        if let token = environment["AVIARY_ADMIN_TOKEN"], !token.isEmpty {
            return HostAPIClient(baseURL: baseURL, token: token)
        }
        let file = tokenFile ?? (dataDirectory as NSString).appendingPathComponent("admin.token")
        guard let data = try? SnapshotFolder.readBounded(file, limit: 4096) else {
            throw HostError(
                "a host runs on \(dataDirectory), and this command works through its management API: set "
                    + "AVIARY_ADMIN_TOKEN or pass --admin-token-file (no token in \(file))"
            )
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return HostAPIClient(baseURL: baseURL, token: token)
    }

    /// Asks the host for a snapshot of bot `id` in its own folder.
    func takeSnapshot(of id: String) async throws -> CatalogEntry {
        let body = try await call(.POST, "bots/\(id)/snapshots", expecting: 201)
        do {
            return try CatalogEntry.parse(body)
        } catch {
            throw HostError("the host answered a snapshot of '\(id)' this command cannot read: \(error)")
        }
    }

    /// Bot `id`'s state as the host reports it (`running`, `stopped`, …); `nil` when the host
    /// does not run that bot at all (its manifest is disabled or invalid there).
    func state(of id: String) async throws -> String? {
        struct Summary: Decodable { var state: String }
        struct Detail: Decodable { var bot: Summary }
        let (status, body) = try await send(.GET, "bots/\(id)")
        if status == 404 { return nil }
        try Self.check(status, body, expecting: 200, .GET, "bots/\(id)")
        guard let detail = try? JSONDecoder().decode(Detail.self, from: body) else {
            throw HostError("the host answered bot '\(id)' in a shape this command cannot read")
        }
        return detail.bot.state
    }

    /// Stops bot `id` and waits until it has drained.
    func stop(_ id: String) async throws { _ = try await call(.POST, "bots/\(id)/stop", expecting: 200) }

    /// Starts bot `id`.
    func start(_ id: String) async throws { _ = try await call(.POST, "bots/\(id)/start", expecting: 200) }

    private func call(_ method: HTTPMethod, _ path: String, expecting status: Int) async throws -> Data {
        let (answered, body) = try await send(method, path)
        try Self.check(answered, body, expecting: status, method, path)
        return body
    }

    private func send(_ method: HTTPMethod, _ path: String) async throws -> (Int, Data) {
        let url = baseURL.hasSuffix("/") ? "\(baseURL)api/v1/\(path)" : "\(baseURL)/api/v1/\(path)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response: HTTPClientResponse
        do {
            // A stop waits for the bot to drain, up to the host's --shutdown-timeout.
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
        } catch {
            throw HostError(
                "cannot reach the host's management API at \(baseURL) (\(error)); pass --api with its address"
            )
        }
        return (Int(response.status.code), Data(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    private static func check(_ status: Int, _ body: Data, expecting: Int, _ method: HTTPMethod, _ path: String) throws
    {
        guard status != expecting else { return }
        struct Problem: Decodable { var detail: String }
        let detail = (try? JSONDecoder().decode(Problem.self, from: body))?.detail ?? "status \(status)"
        throw HostError("the host refused \(method.rawValue) /api/v1/\(path): \(detail)")
    }
}
