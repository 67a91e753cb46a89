/// The management API's tokens as the host config says now: a reload of the host config
/// swaps them, and the next request sees the new set (a removed brand token is refused from then on).
typealias LiveTokens = LiveSetting<APITokens>
