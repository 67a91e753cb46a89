/// The bounds of the protocol, enforced on every answer; an answer over any of them is refused
/// whole, with the path of the first value over.
public enum RemoteLimits {
    /// The largest answer body read, in bytes (64 KiB).
    public static let answerBytes = 64 << 10
    /// The most actions in one answer.
    public static let actions = 20
    /// The longest text of one message, in characters (longer ones are split for the platform).
    public static let textCharacters = 16_384
    /// The most rows of buttons, and buttons per row.
    public static let buttonRows = 10, buttonsPerRow = 8
    /// The longest button label, in characters.
    public static let buttonTextCharacters = 64
    /// The longest callback data, in bytes (Telegram's limit).
    public static let callbackDataBytes = 64
    /// The longest key of a state entry or a job, in bytes.
    public static let keyBytes = 64
    /// The largest value of one state entry, as JSON, in bytes.
    public static let valueBytes = 4096
    /// The most keys one answer may set or delete per scope (chat, person).
    public static let changesPerScope = 64
    /// The most keys stored per chat, and per person.
    public static let keysPerScope = 64
    /// The most bytes stored per chat, and per person (values as JSON).
    public static let bytesPerScope = 16 << 10
    /// The largest payload of a scheduled call-back, in bytes.
    public static let payloadBytes = 4096
    /// How far ahead a call-back may be scheduled, in seconds (366 days).
    public static let scheduleHorizon: Double = 366 * 86_400
    /// The longest one update (or job) may wait on one remote plugin: every attempt timing out,
    /// plus the backoff between them. Half the 120 s a bot gives an update, so that a plugin that
    /// is down ends in its own error (and `on_failure`), not in the update's handling timeout.
    public static let callBudget: Duration = .seconds(60)
    /// The longest one update may wait on all the remote plugins of its bot together, one after
    /// the other (``RemoteConfiguration/combinedWaitRefusal(_:)``): 20 s of the 120 s a bot gives
    /// an update are left to the rest of its handling, so that plugins that are down end in their
    /// own errors, not in the update's handling timeout.
    public static let botCallBudget: Duration = .seconds(100)
    /// The backoff between attempts: 0.2 s doubling to 5 s, with jitter below each ceiling.
    static let retryInitial: Duration = .milliseconds(200), retryMaximum: Duration = .seconds(5)
}
