/// Decides when each outgoing message may go, so a bot stays inside its platform's limits:
/// per chat (private or group), bot-wide, and a lower bot-wide share for broadcasts.
///
/// Callers first wait until the chat may receive (``chatReadyTime(chatID:now:)``), then reserve
/// bot-wide capacity at that moment (``reserve(chatID:isBroadcast:now:)``) and sleep until the
/// slot it returns — never busy-waiting. Reserving in two steps keeps one slow chat's future
/// slots from holding bot-wide capacity that other chats could use now. A 429 pauses the chat
/// for `retry_after`; a 429 on broadcast traffic pauses all broadcasting too, including messages
/// whose slot was reserved before it (``isPaused(chatID:isBroadcast:now:)``).
actor SendPacer {
    private let limits: DeliveryLimits
    private var chats: [Int64: PacingCell] = [:]
    private var bot: PacingCell
    private var broadcast: PacingCell
    /// Until when a 429 stops each chat, and all broadcasting.
    private var chatPauses: [Int64: Duration] = [:]
    private var broadcastPause: Duration = .zero

    init(limits: DeliveryLimits) {
        self.limits = limits
        bot = PacingCell(limits.bot)
        broadcast = PacingCell(limits.broadcast)
    }

    /// The earliest time the chat may receive its next message.
    func chatReadyTime(chatID: Int64, now: Duration) -> Duration {
        chats[chatID]?.earliest(at: now) ?? now
    }

    /// Reserves the next slot for a message to `chatID` and returns its time.
    func reserve(chatID: Int64, isBroadcast: Bool, now: Duration) -> Duration {
        var chat = chats[chatID] ?? PacingCell(Self.isGroup(chatID) ? limits.group : limits.privateChat)
        var slot = chat.earliest(at: now)
        if isBroadcast { slot = broadcast.earliest(at: slot) }
        slot = bot.earliest(at: slot)
        chat.record(at: slot)
        bot.record(at: slot)
        if isBroadcast { broadcast.record(at: slot) }
        chats[chatID] = chat
        if chats.count > 50_000 { forgetIdle(now: now) }
        return slot
    }

    /// Honours a 429: nothing more to this chat (and, for broadcasts, no broadcast) before `until`.
    func pause(chatID: Int64, isBroadcast: Bool, until: Duration) {
        var chat = chats[chatID] ?? PacingCell(Self.isGroup(chatID) ? limits.group : limits.privateChat)
        chat.pause(until: until)
        chats[chatID] = chat
        chatPauses[chatID] = max(chatPauses[chatID] ?? .zero, until)
        if isBroadcast {
            broadcast.pause(until: until)
            broadcastPause = max(broadcastPause, until)
        }
    }

    /// Whether a 429 that came after the message's slot was reserved forbids sending it now: a
    /// sender checks this after sleeping until its slot, and reserves again when it is paused.
    func isPaused(chatID: Int64, isBroadcast: Bool, now: Duration) -> Bool {
        (chatPauses[chatID] ?? .zero) > now || (isBroadcast && broadcastPause > now)
    }

    /// Telegram gives groups, supergroups and channels negative ids.
    static func isGroup(_ chatID: Int64) -> Bool { chatID < 0 }

    private func forgetIdle(now: Duration) {
        chats = chats.filter { $0.value.theoreticalArrival > now }
        chatPauses = chatPauses.filter { $0.value > now }
    }
}
