import Foundation

extension TelegramClient: WebhookRegistrar {
    /// Calls `setWebhook` with the secret token, `allowed_updates` for `kinds` and `max_connections`.
    public func setWebhook(_ registration: WebhookRegistration, kinds: Set<UpdateKind>) async throws {
        let request = SetWebhookRequest(
            url: registration.url.absoluteString,
            secret_token: registration.secret,
            allowed_updates: UpdateKind.telegramAllowedUpdates(for: kinds),
            max_connections: registration.maxConnections
        )
        let _: Bool = try await call("setWebhook", request, timeout: callTimeout)
    }

    /// Calls `deleteWebhook`, keeping the updates Telegram holds.
    public func deleteWebhook() async throws {
        let _: Bool = try await call("deleteWebhook", DeleteWebhookRequest(), timeout: callTimeout)
    }
}
