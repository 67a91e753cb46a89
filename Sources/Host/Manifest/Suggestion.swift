/// "Did you mean …?" for a mistyped key or name.
enum Suggestion {
    /// The closest candidate within edit distance 2 (or sharing a 3+ letter prefix), if any.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        if let best = scored.filter({ $0.1 <= 2 }).min(by: { $0.1 < $1.1 }) { return best.0 }
        return candidates.first { word.count >= 3 && ($0.hasPrefix(word) || word.hasPrefix($0)) }
    }

    /// `; did you mean 'x'?` or nothing.
    static func hint(for word: String, among candidates: some Sequence<String>) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
