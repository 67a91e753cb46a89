import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Makes one signed call to a remote plugin over the shared, keep-alive `HTTPClient` and
/// checks the answer: its status, size, signature and shape.
struct RemoteClient: Sendable {
    /// The plugin's endpoint.
    let url: URL
    /// The signing secret; `nil` when the host has not read it (every call then fails).
    let secret: RemoteSecret?
    /// How long one call may take.
    let timeout: Duration
    /// The pool connections are kept alive in.
    let httpClient: HTTPClient

    /// POSTs `body` signed at `timestamp` and returns the checked answer.
    ///
    /// - Throws: ``RemoteCallFailure`` saying what kind of failure it was.
    func call(body: [UInt8], idempotencyKey: String, timestamp: Int64, now: Date) async throws(RemoteCallFailure)
        -> RemoteAnswer
    {
        guard let secret else {
            throw RemoteCallFailure(kind: .clientError, detail: "the plugin has no signing secret")
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Aviary-Protocol", value: "1")
        request.headers.add(name: RemoteSignature.timestampHeader, value: "\(timestamp)")
        request.headers.add(
            name: RemoteSignature.header,
            value: RemoteSignature.sign(body, timestamp: timestamp, secret: secret)
        )
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.body = .bytes(ByteBuffer(bytes: body))
        let host = url.host ?? "the plugin"
        let status: UInt
        let signature: String?
        let answer: ByteBuffer
        do {
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            status = response.status.code
            signature = response.headers.first(name: RemoteSignature.header)
            answer = try await response.body.collect(upTo: RemoteLimits.answerBytes)
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            throw RemoteCallFailure(kind: .timeout, detail: "\(host) did not answer within \(timeout)")
        } catch is NIOTooManyBytesError {
            throw RemoteCallFailure(
                kind: .badAnswer,
                detail: "the answer has more than \(RemoteLimits.answerBytes) bytes; refused"
            )
        } catch {
            throw RemoteCallFailure(kind: .refused, detail: "cannot reach \(url.absoluteString): \(error)")
        }
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
        let data = Data(buffer: answer)
        guard RemoteSignature.verify(signature, body: data, timestamp: timestamp, secret: secret) else {
            throw RemoteCallFailure(
                kind: .badAnswer,
                detail: "the answer's \(RemoteSignature.header) is \(signature == nil ? "missing" : "wrong"); refused"
            )
        }
        do {
            return try RemoteAnswer(parsing: data, now: now)
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
