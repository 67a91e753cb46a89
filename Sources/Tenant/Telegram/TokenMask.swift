/// A Telegram token as it may be shown in logs, errors and the dashboard: the bot id, then `***`.
///
/// `maskedToken("123456:ABC-DEF")` is `123456:***`; a string without a colon gives `***`.
public func maskedToken(_ token: String) -> String {
    guard let colon = token.firstIndex(of: ":") else { return "***" }
    return String(token[..<colon]) + ":***"
}
