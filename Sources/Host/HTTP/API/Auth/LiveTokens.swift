import Synchronization

/// The management API's tokens as the host config says now: a reload of the host config
/// swaps them, and the next request sees the new set (a removed brand token is refused from then on).
final class LiveTokens: Sendable {
    private let tokens: Mutex<APITokens>

    /// Starts with `tokens`.
    init(_ tokens: APITokens) {
        self.tokens = Mutex(tokens)
    }

    /// The tokens in force.
    var current: APITokens { tokens.withLock { $0 } }

    /// Puts `new` in force.
    func replace(with new: APITokens) {
        tokens.withLock { $0 = new }
    }
}
