/// A person writing to a bot under test.
public struct FakeUser: Sendable, Hashable {
    /// The user id (also their private chat's id).
    public var id: Int64
    /// First name.
    public var firstName: String
    /// Username without `@`.
    public var username: String?
    /// Client language (`ru`, `en`).
    public var languageCode: String?

    /// Creates a user.
    public init(id: Int64, firstName: String, username: String? = nil, languageCode: String? = nil) {
        self.id = id
        self.firstName = firstName
        self.username = username
        self.languageCode = languageCode
    }
}

/// A message the bot sent (or edited) through the fake.
public struct SentMessage: Sendable, Hashable {
    /// `sendMessage`, `sendPhoto`, `editMessageText`, `editMessageCaption` or
    /// `editMessageReplyMarkup` (whose ``text`` is empty).
    public var method: String
    /// The chat it went to.
    public var chatID: Int64
    /// The message id the fake gave it (or the edited message's id).
    public var messageID: Int64
    /// The text.
    public var text: String
    /// `HTML`, `MarkdownV2`, or `nil`.
    public var parseMode: String?
    /// The message it quoted, if any.
    public var replyToMessageID: Int64?
    /// Inline buttons, row by row.
    public var buttons: [[Button]]
    /// The photo's `file_id`, for `sendPhoto` (``text`` is then the caption).
    public var photo: String? = nil

    /// An inline button as the bot sent it.
    public struct Button: Sendable, Hashable {
        /// The label.
        public var text: String
        /// Callback data, for a callback button.
        public var callbackData: String?
        /// The URL, for a link button.
        public var url: String?
    }
}

/// A Bot API call the fake received.
public struct RecordedCall: Sendable {
    /// The method name (`getUpdates`).
    public var method: String
    /// The parameters as JSON.
    public var parameters: [String: String]
}

/// A fault to inject into a bot's next calls of one method.
public enum FakeFailure: Sendable, Equatable {
    /// Answer with Telegram's error envelope and HTTP status `code`; `parameters` such as
    /// `["retry_after": 2]` or `["migrate_to_chat_id": -100123]`.
    case error(code: Int, description: String, parameters: [String: Int64] = [:])
    /// Answer 502 with a non-JSON body, as a broken proxy would.
    case badGateway

    /// 429 Too Many Requests with `retry_after`.
    public static func tooManyRequests(retryAfter: Int64) -> FakeFailure {
        .error(code: 429, description: "Too Many Requests: retry after \(retryAfter)", parameters: ["retry_after": retryAfter])
    }

    /// 403 as when the user blocked the bot.
    public static let blocked = FakeFailure.error(code: 403, description: "Forbidden: bot was blocked by the user")
}

/// A wait on the fake that ran out of time.
public struct FakeTimeout: Error, CustomStringConvertible {
    /// What the test waited for and what arrived instead.
    public var description: String
}

/// The closure ``FakeBotAPI/observeSentMessages(_:)`` installs, boxed in a struct.
///
/// A bare closure kept in a `Mutex` is re-abstracted through `withLock`'s generic `inout` on
/// every access and written back one thunk deeper, so each message made the next call slower
/// (the benchmark spent most of its time in thunk chains). A struct field keeps its own
/// abstraction.
struct SentObserver: Sendable {
    let notify: @Sendable (_ token: String, _ message: SentMessage) -> Void
}
