import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Makes one signed call to a remote plugin over the shared, keep-alive `HTTPClient` and
/// checks the answer: its status, size, signature and shape.
///
/// The call goes through AsyncHTTPClient's event-loop API with its collecting delegate
/// (`ResponseAccumulator`, bounded by ``RemoteLimits/answerBytes``): the request and the whole
/// answer stay on the event loop, and the caller's task resumes once, with the answer read.
/// (The async API's response and body sequences cost a hop between threads for each.)
struct RemoteClient: Sendable {
    /// The plugin's endpoint.
    let url: URL
    /// The signing secret; `nil` when the host has not read it (every call then fails).
    let secret: RemoteSecretSource?
    /// How long one call may take.
    let timeout: Duration
    /// The pool connections are kept alive in.
    let httpClient: HTTPClient
    /// The request every call copies and fills in: the address parsed once, not per call.
    private let template: HTTPClient.Request?

    /// A client of the plugin at `url`.
    init(url: URL, secret: RemoteSecretSource?, timeout: Duration, httpClient: HTTPClient) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.httpClient = httpClient
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Aviary-Protocol", value: "1")
        template = try? HTTPClient.Request(url: url, method: .POST, headers: headers)
    }

    /// POSTs `body` signed at `timestamp` and returns the checked answer.
    ///
    /// - Throws: ``RemoteCallFailure`` saying what kind of failure it was.
    func call(body: [UInt8], idempotencyKey: String, timestamp: Int64, now: Date) async throws(RemoteCallFailure)
        -> RemoteAnswer
    {
        guard let secret = secret?.current else {
            throw RemoteCallFailure(kind: .clientError, detail: "the plugin has no signing secret")
        }
        guard var request = template else {
            throw RemoteCallFailure(kind: .clientError, detail: "\(url.absoluteString) is no address to call")
        }
        request.headers.add(name: RemoteSignature.timestampHeader, value: String(timestamp))
        request.headers.add(
            name: RemoteSignature.header,
            value: RemoteSignature.sign(body, timestamp: timestamp, secret: secret)
        )
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(body)
        let response: HTTPClient.Response
        do {
            let accumulator = ResponseAccumulator(request: request, maxBodySize: RemoteLimits.answerBytes)
            response = try await httpClient.execute(
                request: request,
                delegate: accumulator,
                deadline: .now() + .nanoseconds(timeout.nanoseconds)
            ).futureResult.get()
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            throw RemoteCallFailure(
                kind: .timeout,
                detail: "\(url.host ?? "the plugin") did not answer within \(timeout)"
            )
        } catch is ResponseAccumulator.ResponseTooBigError {
            throw RemoteCallFailure(
                kind: .badAnswer,
                detail: "the answer has more than \(RemoteLimits.answerBytes) bytes; refused"
            )
        } catch {
            throw RemoteCallFailure(kind: .refused, detail: "cannot reach \(url.absoluteString): \(error)")
        }
        let status = response.status.code
        switch status {
        case 200..<300: break
        case 500...:
            throw RemoteCallFailure(kind: .serverError, detail: "\(url.absoluteString) answered \(status)")
        default:
            throw RemoteCallFailure(
                kind: .clientError,
                detail: "\(url.absoluteString) answered \(status): the plugin refused the request"
            )
        }
        let answer = response.body.map { Array($0.readableBytesView) } ?? []
        let signature = response.headers.first(name: RemoteSignature.header)
        guard RemoteSignature.verify(signature, body: answer, timestamp: timestamp, secret: secret) else {
            throw RemoteCallFailure(
                kind: .badAnswer,
                detail: "the answer's \(RemoteSignature.header) is \(signature == nil ? "missing" : "wrong"); refused"
            )
        }
        do {
            return try RemoteAnswer(parsing: answer, now: now)
        } catch {
            throw RemoteCallFailure(kind: .badAnswer, detail: "the answer is refused: \(error)")
        }
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
