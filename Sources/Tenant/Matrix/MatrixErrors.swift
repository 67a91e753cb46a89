import Foundation

/// Classifies a client-server API answer that was not 2xx into the kinds the sender acts on.
enum MatrixErrors {
    /// The error for `status` with the answer's JSON `body` (`errcode`, `error`, `retry_after_ms`).
    static func error(status: Int, body: Data, method: String) -> PlatformError {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let code = (object["errcode"] as? String).map { String($0.prefix(64)) } ?? ""
        let text = (object["error"] as? String).map { String($0.prefix(200)) } ?? ""
        let message = code.isEmpty ? "HTTP \(status)" : "\(code): \(text)"
        let kind: PlatformError.Kind
        switch status {
        case 429:
            let milliseconds = (object["retry_after_ms"] as? NSNumber)?.doubleValue ?? 1_000
            let bounded = milliseconds.isFinite ? min(max(milliseconds, 0), 3_600_000) : 1_000
            kind = .rateLimited(retryAfter: .milliseconds(Int64(bounded)))
        case 401: kind = .unauthorized
        case 403: kind = .blocked
        case 500...599: kind = .transient
        default: kind = .permanent
        }
        return PlatformError(kind: kind, method: method, code: status, message: message)
    }
}
