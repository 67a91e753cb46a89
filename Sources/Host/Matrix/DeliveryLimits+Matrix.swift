import Tenant

extension DeliveryLimits {
    /// A Matrix bot's default send rates. Telegram's one message a second per private chat does
    /// not apply: the bots are exempt from Synapse's rate limits (`rate_limited: false`), and
    /// Synapse itself tops out near 50 sends a second on two cores, which the bot rate leaves room for.
    static let matrix = DeliveryLimits(
        privateChat: RateLimit(20, per: .seconds(1), burst: 20),
        group: RateLimit(600, per: .seconds(60), burst: 20),
        bot: RateLimit(50, per: .seconds(1), burst: 50)
    )
}
