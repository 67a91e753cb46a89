public import Foundation

/// A platform that pushes updates to an HTTPS address the bot registers (Telegram's
/// `setWebhook`), instead of being polled.
public protocol WebhookRegistrar: Sendable {
    /// Asks the platform to post the bot's updates to `registration.url`, with the secret in a
    /// header, for the update kinds the bot's plugins want.
    func setWebhook(_ registration: WebhookRegistration, kinds: Set<UpdateKind>) async throws

    /// Asks the platform to stop posting updates, keeping the ones it holds for polling.
    func deleteWebhook() async throws
}

/// Where and how the platform posts a bot's updates.
public struct WebhookRegistration: Sendable, Equatable {
    /// The full ingress address, `<public-url>/webhook/<bot id>`.
    public var url: URL
    /// Sent back in every delivery's secret header; 1–256 characters of `A-Za-z0-9_-`.
    public var secret: String
    /// How many deliveries the platform may have open at once (Telegram: 1–100).
    public var maxConnections: Int

    /// Creates a registration.
    public init(url: URL, secret: String, maxConnections: Int) {
        self.url = url
        self.secret = secret
        self.maxConnections = maxConnections
    }
}

/// How a Tenant receives its updates.
public enum UpdateSource: Sendable {
    /// The Tenant long-polls. When `webhooks` is given and an earlier run registered a webhook,
    /// it is deleted first, so that switching a bot back to polling just works.
    case polling(any UpdatePoller, webhooks: (any WebhookRegistrar)?)
    /// The platform posts updates to the host, which hands them to ``Tenant/ingest(_:)``. The
    /// Tenant registers the webhook when it starts.
    case webhook(any WebhookRegistrar, WebhookRegistration)
    /// Updates arrive only through ``Tenant/ingest(_:)`` (an in-process platform, tests).
    case pushed
}
