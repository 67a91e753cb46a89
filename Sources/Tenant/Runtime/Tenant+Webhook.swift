import Foundation
import Logging

extension Tenant {
    /// Makes the platform deliver updates the way the bot's source says: registers the
    /// webhook for a webhook bot, and deletes a webhook an earlier run left behind for a
    /// polling bot.
    ///
    /// The address is recorded before `setWebhook` is called, so a crash in between still
    /// leads a later polling run to delete it.
    ///
    /// - Returns: `false` when the bot was stopped while waiting for the platform.
    /// - Throws: ``TenantError`` when the platform refuses the webhook or the token.
    func prepareSource(store: BotStore, registeredWebhook: String?) async throws -> Bool {
        switch source {
        case .pushed:
            return true
        case .polling(_, let webhooks):
            guard let webhooks, let previous = registeredWebhook else { return true }
            guard try await retryingPlatformTrouble("cannot delete the webhook", { try await webhooks.deleteWebhook() })
                != nil
            else { return false }
            try await recordWebhook(nil, store)
            logger.notice("webhook \(previous) deleted; the bot polls again")
            return true
        case .webhook(let webhooks, let registration):
            if registeredWebhook != registration.url.absoluteString {
                try await recordWebhook(registration.url.absoluteString, store)
            }
            let kinds = interests
            guard try await retryingPlatformTrouble("cannot set the webhook", {
                try await webhooks.setWebhook(registration, kinds: kinds)
            }) != nil
            else { return false }
            logger.info("webhook set", metadata: ["webhook_url": "\(registration.url.absoluteString)"])
            return true
        }
    }

    private func recordWebhook(_ url: String?, _ store: BotStore) async throws {
        do {
            try await store.setRegisteredWebhook(url)
        } catch {
            throw TenantError(botID: configuration.bot.id, reason: "cannot record its webhook state: \(error)")
        }
    }
}
