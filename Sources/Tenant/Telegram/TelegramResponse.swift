// The envelope around every Bot API answer.

/// The Bot API's answer envelope: `{"ok":…,"result":…}` or, on failure,
/// `{"ok":false,"error_code":…,"description":…,"parameters":{…}}`.
struct TelegramResponse<Result: Decodable>: Decodable {
    /// What a failed call tells the caller to do.
    struct Parameters: Decodable {
        /// Seconds to wait before retrying (429).
        var retry_after: Int?
        /// The supergroup a group became; resend there (400).
        var migrate_to_chat_id: Int64?
    }

    var ok: Bool
    var result: Result?
    var error_code: Int?
    var description: String?
    var parameters: Parameters?
}
