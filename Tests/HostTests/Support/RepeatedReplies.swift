/// The replies one bot sent more than once across host kills, each charged to the kill that
/// caused it, so a bound "at most N repeats per kill" is checked kill by kill.
///
/// A repeat is a reply text seen again. It was sent again because the host that sent it before
/// was killed with it in flight (sent, not yet marked sent), so it is charged to the kill that
/// ended that host: the first kill after the previous send. A message still in flight at the
/// next kill is charged again to that kill. This is exact when the sent counts at the kills
/// are (`FakeBotAPI.waitUntilDrained()` before they are read): every send before a kill's
/// count is the killed host's, every send after it a later host's.
struct RepeatedReplies {
    /// Per kill, in order, the texts of the repeats charged to it.
    private(set) var perKill: [[String]]
    /// Repeats sent again with no kill since the previous send: never allowed.
    private(set) var withoutKill: [String] = []

    /// Charges the repeats among `texts` (in the order the bot sent them).
    ///
    /// - Parameter killMarks: How many messages the bot had sent at each kill, in order (taken
    ///   after the fake handled everything the killed process sent, before the next started).
    init(texts: [String], killMarks: [Int]) {
        perKill = Array(repeating: [], count: killMarks.count)
        var lastSeen: [String: Int] = [:]
        for (index, text) in texts.enumerated() {
            defer { lastSeen[text] = index }
            guard let previous = lastSeen[text] else { continue }
            // The kill that ended the host of the previous send, if it came before this one.
            guard let kill = killMarks.firstIndex(where: { $0 > previous }), killMarks[kill] <= index else {
                withoutKill.append(text)
                continue
            }
            perKill[kill].append(text)
        }
    }
}
