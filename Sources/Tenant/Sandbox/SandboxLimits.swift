/// How much a sandbox bot keeps and accepts, so that people talking to it through the
/// management API or the dashboard cannot grow the host's memory without bound.
public enum SandboxLimits {
    /// User ids a person may have: 1 to 2^53 − 1, the whole numbers JSON and the dashboard's
    /// script represent exactly. Every id in this range can have 1 added without overflow.
    public static let userIDs: ClosedRange<Int64> = 1...9_007_199_254_740_991
    /// Message ids a press may name: the same range as user ids.
    public static let messageIDs: ClosedRange<Int64> = userIDs
    /// The most people one sandbox bot talks with while the host runs.
    public static let people = 1_000
    /// Messages kept per conversation; older ones are dropped.
    public static let messagesPerConversation = 500
    /// Messages kept across all of one bot's conversations; beyond it, the conversation that
    /// changed least recently loses its messages.
    public static let messages = 20_000
    /// Button presses waiting for the bot's answer; beyond it, the oldest is forgotten (its
    /// answer then fails as a too old query does on Telegram).
    public static let pendingPresses = 1_000
    /// Readers waiting for news at once; beyond it, a reader gets what there is without waiting.
    public static let waitingReaders = 256
    /// The longest first name, in Unicode scalars (as Telegram allows).
    public static let firstNameLength = 64
    /// The longest language code (an IETF language tag), in characters.
    public static let languageCodeLength = 35
    /// The longest callback data a press may carry, in Unicode scalars (Telegram allows 64 bytes).
    public static let callbackDataLength = 64
}
