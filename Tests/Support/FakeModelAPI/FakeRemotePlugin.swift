import Crypto
import FakeBotAPI
public import Foundation
import HTTPTypes
import Hummingbird
public import Logging
import NIOCore
import NIOFoundationCompat
import Synchronization

/// A remote plugin on loopback for tests: it checks every request's signature, hands each call
/// to a handler that says how to answer, and signs the answers it gives.
///
/// Tests await calls (``waitForCalls(count:)``) instead of sleeping; ``Reply/hold`` keeps a call
/// open until ``release()``, to stop the host mid-call.
public final class FakeRemotePlugin: Sendable {
    /// How to answer one call.
    public enum Reply: Sendable {
        /// A signed 200 with this JSON body.
        case answer(String)
        /// An unsigned 200 with this body.
        case unsigned(String)
        /// A status with an empty body.
        case status(Int)
        /// Held until ``release()``, then answered 503.
        case hold
        /// A 307 to `location`.
        case redirect(String)
    }

    /// One call as it arrived.
    public struct Call: Sendable {
        /// The body.
        public var body: Data
        /// The `Idempotency-Key` header.
        public var idempotencyKey: String
        /// Whether the signature and timestamp were right.
        public var signatureValid: Bool

        /// The body as a JSON object.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        }
    }

    private struct State {
        var calls: [Call] = []
        var held: [CheckedContinuation<Void, Never>] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let secret: Mutex<String>
    private let handler: @Sendable (Call) -> Reply
    private let state = Mutex(State())
    private let server = Mutex<LoopbackServer?>(nil)
    private let logger: Logger
    /// Whether calls are kept for ``calls`` and ``waitForCalls(count:)``.
    private let records: Bool

    /// Creates a fake signing with `secret` and answering with `handler`.
    ///
    /// - Parameter records: Keep every call for inspection (tests); a load benchmark turns it
    ///   off, so memory stays flat however long it runs (``waitForCalls(count:)`` then never returns).
    public init(
        secret: String,
        logger: Logger = Logger(label: "fake-remote-plugin"),
        records: Bool = true,
        handler: @escaping @Sendable (Call) -> Reply
    ) {
        self.secret = Mutex(secret)
        self.handler = handler
        self.logger = logger
        self.records = records
    }

    /// The hook's address, `http://127.0.0.1:<port>/hook`.
    public var url: String {
        guard let port = server.withLock({ $0?.port }) else { preconditionFailure("start() was not called") }
        return "http://127.0.0.1:\(port)/hook"
    }

    /// Binds an OS-chosen port on 127.0.0.1.
    public func start() async throws {
        let started = try await LoopbackServer.start(name: "fake-remote-plugin", logger: logger) { router in
            router.post("hook") { request, _ in try await self.serve(request) }
        }
        server.withLock { $0 = started }
    }

    /// Releases held calls and stops.
    public func stop() async {
        release()
        await server.withLock { $0 }?.stop()
    }

    /// Answers every held call (503) now.
    public func release() {
        let held = state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }

    /// Signs and checks with `secret` from now on: the plugin's operator rotated it.
    public func rotate(to secret: String) {
        self.secret.withLock { $0 = secret }
    }

    /// Every call so far, in arrival order.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// Waits until `count` calls arrived (bounded by the suite's time limit).
    public func waitForCalls(count: Int) async -> [Call] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.calls.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
        return calls
    }

    /// A counter plugin's answer: it counts the person's messages in its state and replies `#n`.
    public static func counter(_ call: Call) -> Reply {
        let state = call.json["state"] as? [String: Any]
        let count = ((state?["person"] as? [String: Any])?["count"] as? Int ?? 0) + 1
        return .answer(
            ##"{"disposition":"handled","actions":[{"kind":"reply","text":"#\##(count)"}],"##
                + ##""state":{"person":{"set":{"count":\##(count)}}}}"##
        )
    }

    /// The protocol's signature of `body` at `timestamp` under this fake's secret.
    public func sign(_ body: Data, timestamp: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).".utf8) + body,
            using: SymmetricKey(data: Data(secret.withLock { $0 }.utf8))
        )
        return "v1=" + code.map { String(format: "%02x", $0) }.joined()
    }

    private func serve(_ request: Request) async throws -> Response {
        let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
        let timestamp = request.headers[HTTPField.Name("Aviary-Timestamp")!] ?? ""
        let signature = request.headers[HTTPField.Name("Aviary-Signature")!]
        let fresh = Int64(timestamp).map { abs(Int64(Date().timeIntervalSince1970) - $0) <= 300 } ?? false
        let call = Call(
            body: body,
            idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!] ?? "",
            signatureValid: fresh && signature == sign(body, timestamp: timestamp)
        )
        let reply = call.signatureValid ? handler(call) : .status(401)
        let ready: [CheckedContinuation<Void, Never>] = !records ? [] : state.withLock { state in
            state.calls.append(call)
            let (ready, waiting) = (
                state.waiters.filter { $0.count <= state.calls.count },
                state.waiters.filter { $0.count > state.calls.count }
            )
            state.waiters = waiting
            return ready.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
        switch reply {
        case .answer(let json):
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("Aviary-Signature")!] = sign(Data(json.utf8), timestamp: timestamp)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
        case .unsigned(let body):
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
        case .status(let code):
            return Response(status: .init(code: code))
        case .redirect(let location):
            var headers = HTTPFields()
            headers[.location] = location
            return Response(status: .temporaryRedirect, headers: headers)
        case .hold:
            await withCheckedContinuation { continuation in state.withLock { $0.held.append(continuation) } }
            return Response(status: .serviceUnavailable)
        }
    }
}
