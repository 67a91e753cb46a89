import Foundation
import Tenant

/// Reads a person's answer to a bot's numbered buttons: a bare number, the label itself, or one
/// of the number reactions the bot added.
enum MatrixPress {
    /// The button `text` picks: `2`, `2.` or a label (letter case and outer spaces ignored).
    static func button(answering text: String, among buttons: [MatrixButton]) -> MatrixButton? {
        let answer = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let digits = answer.hasSuffix(".") ? String(answer.dropLast()) : answer
        if digits.count <= 3, let number = Int(digits), buttons.indices.contains(number - 1) {
            return buttons[number - 1]
        }
        let folded = answer.lowercased()
        return buttons.first { $0.label.trimmingCharacters(in: .whitespaces).lowercased() == folded }
    }

    /// The button a reaction `key` picks (1️⃣ is the first).
    static func button(reacting key: String, among buttons: [MatrixButton]) -> MatrixButton? {
        guard let index = MatrixButton.keys.firstIndex(of: key), buttons.indices.contains(index) else { return nil }
        return buttons[index]
    }

    /// A reply's text without the quoted fallback (`> <@ann:x> …` lines and the blank line after).
    static func withoutReplyFallback(_ text: String) -> String {
        guard text.hasPrefix("> ") else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let rest = lines.drop { $0.hasPrefix(">") }.drop { $0.isEmpty }
        return rest.joined(separator: "\n")
    }
}
