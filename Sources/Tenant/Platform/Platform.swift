public import Foundation

/// The calls a Tenant makes to its messaging platform. Telegram is one implementation; every
/// platform maps its own API onto the neutral model so that plugins never change.
public protocol PlatformClient: Sendable {
    /// Learns who the bot is and proves the credentials work.
    ///
    /// - Throws: ``PlatformError`` with ``PlatformError/Kind/unauthorized`` when the platform
    ///   rejects the credentials; the bot then fails alone.
    func identify() async throws -> BotIdentity

    /// Performs one outgoing action.
    func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt

    /// Performs one outgoing action that a retry may repeat with the same `idempotencyKey` (the
    /// outbox id): a platform that deduplicates sends (Matrix's transaction ids) sends it once.
    func perform(_ action: OutgoingAction, idempotencyKey: String?) async throws -> DeliveryReceipt
}

extension PlatformClient {
    /// Platforms without idempotent sends (Telegram) ignore the key.
    public func perform(_ action: OutgoingAction, idempotencyKey: String?) async throws -> DeliveryReceipt {
        try await perform(action)
    }
}

/// A platform that delivers updates when asked (Telegram's `getUpdates`).
public protocol UpdatePoller: Sendable {
    /// Waits up to `timeout` for updates with an id of at least `offset`, confirming all before it.
    ///
    /// - Parameters:
    ///   - offset: The first update id wanted; `nil` asks for whatever the platform holds.
    ///   - timeout: How long the platform may hold the request open when nothing is waiting.
    ///   - kinds: The update kinds the bot's plugins want.
    func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate]
}

/// Turns a platform's stored update JSON into the neutral model.
public protocol UpdateDecoder: Sendable {
    /// Decodes one update. Unknown fields are ignored; unknown update types become ``Update/Content/other(type:)``.
    ///
    /// - Parameter botUsername: Used to ignore commands addressed to other bots.
    func decode(_ raw: Data, botUsername: String?) throws -> Update
}

/// An update as received, before it is stored: enough to deduplicate and order it.
public struct ReceivedUpdate: Sendable, Equatable {
    /// The platform's update id.
    public var id: Int64
    /// The dispatch lane: the chat id, or the sender's id for chat-less updates, or 0.
    public var lane: Int64
    /// The platform's name for the update type (`message`, `callback_query`, …).
    public var kind: String
    /// The update exactly as received.
    public var raw: Data
    /// The neutral update decoded from ``raw`` on receipt, when the platform's reader made it
    /// (with no bot username yet: ``Update/addressed(to:)``); the dispatcher then uses it
    /// instead of decoding the stored bytes again.
    public var update: Update?

    /// Creates a received update.
    public init(id: Int64, lane: Int64, kind: String, raw: Data, update: Update? = nil) {
        self.id = id
        self.lane = lane
        self.kind = kind
        self.raw = raw
        self.update = update
    }

    /// Received updates are equal when they came as the same bytes with the same id, lane and
    /// kind; ``update`` is derived from the bytes.
    public static func == (lhs: ReceivedUpdate, rhs: ReceivedUpdate) -> Bool {
        lhs.id == rhs.id && lhs.lane == rhs.lane && lhs.kind == rhs.kind && lhs.raw == rhs.raw
    }
}

/// What the platform answered to a performed action.
public struct DeliveryReceipt: Sendable, Equatable {
    /// The id of the message sent or edited, when the platform returns one.
    public var messageID: Int64?

    /// Creates a receipt.
    public init(messageID: Int64?) {
        self.messageID = messageID
    }
}

/// A failed platform call, classified so the Tenant can decide to retry, wait or give up.
///
/// - Important: The description never contains the bot's token.
public struct PlatformError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure it is.
    public enum Kind: Sendable, Equatable {
        /// The credentials were rejected (Telegram 401, or 404 for a malformed token).
        case unauthorized
        /// Another poller or a webhook holds the bot (Telegram 409).
        case conflict
        /// Too many requests: wait this long, then retry (Telegram 429 `retry_after`).
        case rateLimited(retryAfter: Duration)
        /// The group became a supergroup with this id; resend there.
        case migrated(toChatID: Int64)
        /// The user blocked the bot, was deactivated, or the bot was removed from the chat (403).
        case blocked
        /// Worth retrying later: 5xx, timeouts, connection failures.
        case transient
        /// Will fail again the same way: other 4xx (`chat not found`, bad markup, …).
        case permanent
    }

    /// What kind of failure it is.
    public var kind: Kind
    /// The platform method that failed (`sendMessage`).
    public var method: String
    /// The HTTP status or platform error code, if there was an answer.
    public var code: Int?
    /// The platform's description or the transport error, never containing the token.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, method: String, code: Int? = nil, message: String) {
        self.kind = kind
        self.method = method
        self.code = code
        self.message = message
    }

    public var description: String {
        if let code { return "\(method) failed: \(code) \(message)" }
        return "\(method) failed: \(message)"
    }
}
