/// Why one call to a remote plugin gave no usable answer.
public struct RemoteCallFailure: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, which decides whether to call again.
    public enum Kind: String, Sendable, CaseIterable {
        /// No answer within the plugin's `timeout`.
        case timeout
        /// The connection could not be made or broke.
        case refused
        /// A 5xx status.
        case serverError = "server_error"
        /// A status other than 2xx and 5xx: the plugin refused the request; not called again.
        case clientError = "client_error"
        /// An answer that is not JSON, not signed right, over a limit, or of a wrong shape.
        case badAnswer = "bad_answer"
        /// The plugin's circuit breaker is open: not called.
        case circuitOpen = "circuit_open"

        /// Whether calling again may help.
        public var isRetryable: Bool { self != .clientError && self != .circuitOpen }
    }

    /// The kind.
    public var kind: Kind
    /// What happened, for the update's error; never the secret.
    public var detail: String

    public var description: String { detail }
}
