// An Aviary remote plugin in Swift: a small Hummingbird server. It verifies each request's
// signature, counts each person's messages in its state and answers /count.
//
//     swift run remote-plugin-example --port 9101 --secret-file secrets/counter.key
//
// The protocol is docs/remote-plugin-protocol.yaml (served at /api/v1/remote-plugin-protocol.yaml).
@preconcurrency import Crypto
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOFoundationCompat

/// The protocol's signature: `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>`.
func signature(_ body: Data, timestamp: String, secret: Data) -> String {
    let key = SymmetricKey(data: secret)
    let code = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).".utf8) + body, using: key)
    return "v1=" + code.map { String(format: "%02x", $0) }.joined()
}

/// The answer to one request: the person's count goes up; `/count` says it, other texts echo it.
func answer(_ request: [String: Any]) -> [String: Any] {
    guard let message = (request["update"] as? [String: Any])?["message"] as? [String: Any],
        let text = message["text"] as? String
    else { return ["disposition": "passed"] }
    let person = (request["state"] as? [String: Any])?["person"] as? [String: Any]
    let count = (person?["count"] as? Int ?? 0) + 1
    let command = (message["command"] as? [String: Any])?["name"] as? String
    let reply = command == "count" ? "You have written \(count) messages." : "#\(count) \(text)"
    return [
        "disposition": "handled", "actions": [["kind": "reply", "text": reply]],
        "state": ["person": ["set": ["count": count]]],
    ]
}

/// Checks a request's timestamp and signature, then answers it, signed.
func respond(to request: Request, secret: Data) async throws -> Response {
    let (timestampHeader, signatureHeader) = (HTTPField.Name("Aviary-Timestamp")!, HTTPField.Name("Aviary-Signature")!)
    let body = Data(buffer: try await request.body.collect(upTo: 1 << 20))
    let timestamp = request.headers[timestampHeader] ?? ""
    let fresh = Int64(timestamp).map { abs(Int64(Date().timeIntervalSince1970) - $0) <= 300 } ?? false
    guard fresh, request.headers[signatureHeader] == signature(body, timestamp: timestamp, secret: secret),
        let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
    else { return Response(status: .unauthorized) }
    let data = try JSONSerialization.data(withJSONObject: answer(json))
    var headers = HTTPFields()
    headers[.contentType] = "application/json"
    headers[signatureHeader] = signature(data, timestamp: timestamp, secret: secret)
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
}

let arguments = CommandLine.arguments
func option(_ name: String) -> String? {
    arguments.firstIndex(of: name).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
}
guard let secretFile = option("--secret-file"),
    let secretText = try? String(contentsOfFile: secretFile, encoding: .utf8)
else {
    print("usage: remote-plugin-example [--port N] --secret-file PATH")
    exit(2)
}
let secret = Data(secretText.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
let router = Router()
router.post("hook") { [secret] request, _ in try await respond(to: request, secret: secret) }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: Int(option("--port") ?? "") ?? 9101)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? 0)\n".utf8))
    }
)
try await app.runService()
