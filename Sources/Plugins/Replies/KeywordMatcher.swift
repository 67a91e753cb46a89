import Foundation

/// Finds keyword phrases in message texts as whole words, ignoring case and punctuation.
///
/// Texts and phrases are reduced to lowercase words separated by single spaces, so `"Цена?"`
/// matches `цена`, `"price list"` matches `Price-list`, and `price` does not match `priceless`.
struct KeywordMatcher: Sendable {
    /// The rules' phrases, normalised, in rule order.
    private let rules: [[String]]

    /// Prepares the phrases of each rule, in order.
    init(rules: [[String]]) {
        self.rules = rules.map { phrases in phrases.map(Self.normalize).filter { !$0.isEmpty } }
    }

    /// The index of the first rule with a phrase in `text`, if any.
    func firstMatch(in text: String) -> Int? {
        let haystack = " " + Self.normalize(text) + " "
        return rules.firstIndex { phrases in
            phrases.contains { haystack.contains(" " + $0 + " ") }
        }
    }

    /// Lowercase words separated by single spaces; anything but letters, marks and digits separates.
    static func normalize(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                if pendingSpace, !result.isEmpty { result.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return result
    }
}
