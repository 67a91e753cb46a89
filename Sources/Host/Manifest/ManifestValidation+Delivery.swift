import Tenant

extension ManifestValidation {
    /// The `delivery:` rates and sending slots, each a positive number, on top of `defaults`
    /// (Telegram's, or ``DeliveryLimits/matrix`` for a Matrix bot).
    mutating func validatedLimits(
        _ delivery: ManifestDocument.Delivery?, defaults: DeliveryLimits = DeliveryLimits()
    ) -> DeliveryLimits {
        var limits = defaults
        guard let delivery else { return limits }
        if let value = positive(delivery.privateChatPerSecond, "private_chat_per_second") {
            limits.privateChat = RateLimit(value, per: .seconds(1), burst: max(3, value))
        }
        if let value = positive(delivery.groupPerMinute, "group_per_minute") {
            limits.group = RateLimit(value, per: .seconds(60), burst: 3)
        }
        if let value = positive(delivery.botPerSecond, "bot_per_second") {
            limits.bot = RateLimit(value, per: .seconds(1), burst: value)
        }
        if let value = positive(delivery.broadcastPerSecond, "broadcast_per_second") {
            limits.broadcast = RateLimit(value, per: .seconds(1), burst: value)
        }
        if let value = positive(delivery.maxAgeHours, "max_age_hours", atMost: 24 * 365) {
            limits.maxAge = .seconds(value * 3600)
        }
        if let value = positive(delivery.concurrentSends, "concurrent_sends", atMost: 64) {
            limits.concurrentSends = value
        }
        return limits
    }

    private mutating func positive(_ value: Int?, _ key: String, atMost maximum: Int = 100_000) -> Int? {
        guard let value else { return nil }
        if (1...maximum).contains(value) { return value }
        fail(line(of: "delivery.\(key)"), "delivery.\(key)", "\(value) is out of range; write 1 to \(maximum)")
        return nil
    }
}
