import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
#if canImport(Glibc)
    import Glibc
#endif

/// A real Matrix homeserver for the tests: Synapse from PyPI (in `.build/synapse-venv`, which
/// `scripts/bootstrap.sh --tests` makes through `scripts/synapse-env.sh`), on loopback with
/// SQLite and the given application-service registration, stopped by ``stop()``.
final class SynapseServer: @unchecked Sendable {
    private let process = Process()
    private let output: LogCollector
    /// `http://127.0.0.1:<port>`.
    let endpoint: String
    /// The shared secret of Synapse's admin registration API.
    let sharedSecret = "test-shared-secret-\(UUID().uuidString)"

    /// The repository's root.
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Starts Synapse in `directory` on `port` and waits until it listens.
    ///
    /// - Throws: ``HarnessError`` when Synapse is missing (the test fails; it is never skipped)
    ///   or does not start.
    init(directory: String, port: Int, registration: String) async throws {
        let script = Self.root.appendingPathComponent("scripts/synapse-env.sh").path
        guard FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".build/synapse-venv").path)
        else {
            throw HarnessError("Synapse is not installed: run scripts/synapse-env.sh (scripts/test.sh does)")
        }
        output = try LogCollector(filePath: directory + "/synapse.log")
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, "serve", directory, "\(port)", registration, sharedSecret]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        process.standardOutput = output.pipe
        process.standardError = output.pipe
        try process.run()
        endpoint = "http://127.0.0.1:\(port)"
        guard await output.wait(for: "Synapse now listening", count: 1, timeout: .seconds(120)) else {
            stop()
            throw HarnessError("Synapse did not start: \(output.text)")
        }
    }

    /// Stops Synapse and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A person on the homeserver, driven through the client-server API.
struct MatrixPerson: Sendable {
    let endpoint: String
    let userID: String
    let token: String

    /// Calls the client-server API and returns the JSON answered; fails on a non-2xx answer.
    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body { request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
        guard (200..<300).contains(response.status.code) else {
            throw HarnessError("\(method) \(path): \(response.status.code) \(String(decoding: data, as: UTF8.self))")
        }
        return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Uploads `bytes` (`POST /_matrix/media/v3/upload`) and returns their mxc URL.
    func upload(_ bytes: Data, contentType: String, fileName: String) async throws -> String {
        var request = HTTPClientRequest(url: endpoint + "/_matrix/media/v3/upload?filename=\(Self.escaped(fileName))")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(data: bytes))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard response.status.code == 200, let url = answer?["content_uri"] as? String else {
            throw HarnessError("upload: \(response.status.code) \(String(decoding: data, as: UTF8.self))")
        }
        return url
    }

    /// Creates a direct chat with `bot` and returns its room id.
    func openDirectChat(with bot: String) async throws -> String {
        let answer = try await call(
            .POST,
            "/_matrix/client/v3/createRoom",
            ["invite": [bot], "is_direct": true, "preset": "trusted_private_chat"]
        )
        guard let room = answer["room_id"] as? String else { throw HarnessError("no room_id in \(answer)") }
        return room
    }

    /// Sends `content` of `type` into `room` under transaction id `txn`; returns the event id.
    @discardableResult
    func send(_ content: [String: Any], type: String = "m.room.message", in room: String, txn: String) async throws
        -> String
    {
        let answer = try await call(.PUT, "/_matrix/client/v3/rooms/\(Self.escaped(room))/send/\(type)/\(txn)", content)
        return answer["event_id"] as? String ?? ""
    }

    /// Sends the text `text` into `room`.
    @discardableResult
    func say(_ text: String, in room: String) async throws -> String {
        try await send(["msgtype": "m.text", "body": text], in: room, txn: UUID().uuidString)
    }

    /// The room's events of `type` in order, oldest first (at most 1,000).
    func events(in room: String, type: String = "m.room.message") async throws -> [[String: Any]] {
        let answer = try await call(
            .GET,
            "/_matrix/client/v3/rooms/\(Self.escaped(room))/messages?dir=b&limit=1000"
        )
        let chunk = answer["chunk"] as? [[String: Any]] ?? []
        return chunk.reversed().filter { $0["type"] as? String == type }
    }

    /// Long-polls `/sync` until `done` holds for the room's messages; returns them.
    func waitForMessages(in room: String, until done: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        try await waitForEvents(in: room, type: "m.room.message", until: done)
    }

    /// Long-polls `/sync` until `done` holds for the room's events of `type`; returns them.
    func waitForEvents(in room: String, type: String, until done: ([[String: Any]]) -> Bool) async throws
        -> [[String: Any]]
    {
        var since: String?
        while true {
            try Task.checkCancellation()
            let messages = try await events(in: room, type: type)
            if done(messages) { return messages }
            let query = since.map { "?timeout=10000&since=\($0)" } ?? "?timeout=0"
            let answer = try await call(.GET, "/_matrix/client/v3/sync" + query)
            since = answer["next_batch"] as? String
        }
    }

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

extension [[String: Any]] {
    /// The bodies of the messages `sender` sent.
    func bodies(from sender: String) -> [String] {
        filter { $0["sender"] as? String == sender }.compactMap {
            ($0["content"] as? [String: Any])?["body"] as? String
        }
    }
}
