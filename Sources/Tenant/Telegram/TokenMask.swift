/// A token as it may be shown: the bot id, then `***` (`123456:***`).
public func maskedToken(_ token: String) -> String {
    guard let colon = token.firstIndex(of: ":") else { return "***" }
    return String(token[..<colon]) + ":***"
}
