/// Two people, in the order `dating_matches` keys them.
struct MatchPair: Sendable, Hashable {
    let low: Int64
    let high: Int64

    /// The pair of `a` and `b`, in either order.
    init(_ a: Int64, _ b: Int64) {
        low = min(a, b)
        high = max(a, b)
    }

    /// The one of the two who is not `userID`.
    func other(than userID: Int64) -> Int64 {
        userID == low ? high : low
    }
}
