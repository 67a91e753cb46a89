/// The replies one bot sent more than once across host kills, each charged to a kill that can
/// have caused it, so a bound "at most N repeats per kill" is checked kill by kill.
///
/// A repeat is a reply text seen again. The kill that caused it came after the previous send
/// of that text and before the repeat (a kill that lands before the restarted host got round
/// to resending charges its own in-flight messages and the older leftovers to the same
/// window); each repeat is charged to one kill of its window, at most `bound` per kill, the
/// earliest-ending windows first. What no assignment can place is charged to the last kill
/// before it, over the bound.
struct RepeatedReplies {
    /// Per kill, in order, how many repeats were charged to it.
    private(set) var perKill: [Int]
    /// Repeats sent again with no kill since the previous send: never allowed.
    private(set) var withoutKill: [String] = []

    /// Charges the repeats among `texts` (in the order the bot sent them).
    ///
    /// - Parameters:
    ///   - killMarks: How many messages the bot had sent at each kill, in order (taken after
    ///     the killed process exited and before the next one started).
    ///   - bound: The most repeats one kill may cause.
    init(texts: [String], killMarks: [Int], bound: Int) {
        perKill = Array(repeating: 0, count: killMarks.count)
        var lastSeen: [String: Int] = [:]
        var windows: [ClosedRange<Int>] = []
        for (index, text) in texts.enumerated() {
            defer { lastSeen[text] = index }
            guard let previous = lastSeen[text] else { continue }
            guard let last = killMarks.lastIndex(where: { $0 <= index }) else {
                withoutKill.append(text)
                continue
            }
            let first = killMarks.firstIndex { $0 > previous } ?? last
            windows.append(min(first, last)...last)
        }
        var waiting = windows
        for kill in killMarks.indices {
            let open = waiting.indices.filter { waiting[$0].contains(kill) }.sorted {
                waiting[$0].upperBound < waiting[$1].upperBound
            }
            let taken = open.prefix(bound)
            perKill[kill] += taken.count
            for position in taken.sorted(by: >) { waiting.remove(at: position) }
        }
        for window in waiting { perKill[window.upperBound] += 1 }
    }
}
