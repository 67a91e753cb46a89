import Foundation
import PropertyBased
import Tenant
import Testing
@testable import Plugins

/// Profile answers measured as Telegram measures text: a name, city or bio of emoji, flags or
/// stacked accents is held to its limit in UTF-16 units, so a card always fits a caption.
@Suite("Dating profile fields: hostile input", .timeLimit(.minutes(5)))
struct DatingProfileFieldHostileInputTests {
    static let fragments = [
        "a", "Ж", "中", "😀", "🇺🇦", "👨‍👩‍👧‍👦", "e\u{301}", "\u{301}", String(repeating: "\u{301}", count: 40), " ", "\n",
        "  ", "1", "-", "𝒜",
    ]
    static let answers = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...200)
        .map { indices in indices.map { fragments[$0] }.joined() }

    static func says(_ text: String) -> Message {
        Message(id: 1, chat: Chat(id: 1, kind: .private), sender: nil, date: Date(timeIntervalSince1970: 0), text: text)
    }

    @Test("a name or city is kept exactly when its words fit the limit in UTF-16 units and hold a letter")
    func nameAndCity() async {
        await propertyCheck(count: 300, input: Self.answers) { text in
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let words = trimmed.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for (field, lengths) in [(ProfileField.name, 1...ProfileField.maximumNameLength),
                                     (.city, 2...ProfileField.maximumCityLength)] {
                let fits = lengths.contains(words.utf16.count) && words.contains(where: \.isLetter)
                switch field.answer(from: Self.says(text), minimumAge: 18) {
                case .success(let answer): #expect(fits && answer == .text(words), "\(field)")
                case .failure: #expect(!fits, "\(field)")
                }
            }
        }
    }

    @Test("a bio is kept exactly when it fits 300 UTF-16 units; the refusal tells its length so counted")
    func bio() async {
        await propertyCheck(count: 300, input: Self.answers) { text in
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            let length = trimmed.utf16.count
            switch ProfileField.bio.answer(from: Self.says(text), minimumAge: 18) {
            case .success(let answer):
                #expect(answer == .text(trimmed) && (1...ProfileField.maximumBioLength).contains(length))
            case .failure(let rejection):
                #expect(!(1...ProfileField.maximumBioLength).contains(length))
                #expect(rejection.values["length"] == "\(length)")
            }
        }
    }

    @Test("issue #14: a one-grapheme name of a letter and 1,100 accents is refused, not stored")
    func graphemeName() {
        let name = "a" + String(repeating: "\u{301}", count: 1100)
        #expect(name.count == 1, "one character on screen")
        guard case .failure(let rejection) = ProfileField.name.answer(from: Self.says(name), minimumAge: 18) else {
            Issue.record("the name was accepted")
            return
        }
        #expect(rejection.text == .invalidName)
        let bio = String(repeating: "😀", count: 151)
        guard case .failure(let refused) = ProfileField.bio.answer(from: Self.says(bio), minimumAge: 18) else {
            Issue.record("a bio of 302 units was accepted")
            return
        }
        #expect(refused.values["length"] == "302")
    }
}
