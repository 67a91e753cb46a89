import Foundation
import Tenant
import GRDB

/// One question of the profile wizard, in the order the wizard asks them. The raw value is the
/// field's column in `dating_profiles` and its name in callback data.
enum ProfileField: String, CaseIterable, Sendable {
    case name
    case age
    case gender
    case seeking
    case city
    case bio
    case photo

    /// The longest name, in characters as Telegram counts them (``TelegramTextLength``: UTF-16
    /// units, so an emoji may count 2 and every combining accent counts).
    static let maximumNameLength = 40
    /// The longest city, in characters as Telegram counts them.
    static let maximumCityLength = 50
    /// The longest bio, in characters as Telegram counts them; with the other fields it keeps a
    /// card under Telegram's 1024-character caption limit.
    static let maximumBioLength = 300

    /// A valid answer, ready to store.
    enum Answer: Sendable, Equatable {
        case text(String)
        case number(Int)
        case gender(DatingProfile.Gender)
        case seeking(DatingProfile.Seeking)
        case photo(fileID: String)

        /// The value for the field's column.
        var databaseValue: any DatabaseValueConvertible {
            switch self {
            case .text(let text): text
            case .number(let number): number
            case .gender(let gender): gender.rawValue
            case .seeking(let seeking): seeking.rawValue
            case .photo(let fileID): fileID
            }
        }
    }

    /// Why an answer was refused: the text that explains it and asks again.
    struct Rejection: Error, Equatable {
        var text: DatingText
        var values: [String: String] = [:]
    }

    /// The question after this one in the wizard, or `nil` after the last.
    var next: ProfileField? {
        let all = Self.allCases
        let index = all.firstIndex(of: self)! + 1
        return index < all.count ? all[index] : nil
    }

    /// The question's text.
    var question: DatingText {
        switch self {
        case .name: .askName
        case .age: .askAge
        case .gender: .askGender
        case .seeking: .askSeeking
        case .city: .askCity
        case .bio: .askBio
        case .photo: .askPhoto
        }
    }

    /// The label of the button on `/profile` that changes the field.
    var editButton: DatingText {
        switch self {
        case .name: .buttonEditName
        case .age: .buttonEditAge
        case .gender: .buttonEditGender
        case .seeking: .buttonEditSeeking
        case .city: .buttonEditCity
        case .bio: .buttonEditBio
        case .photo: .buttonEditPhoto
        }
    }

    /// Whether the answer is a button press rather than a message.
    var isChoice: Bool {
        self == .gender || self == .seeking
    }

    /// Placeholder values the question and its rejection texts use.
    var limits: [String: String] {
        switch self {
        case .name: ["max": "\(Self.maximumNameLength)"]
        case .city: ["max": "\(Self.maximumCityLength)"]
        case .bio: ["max": "\(Self.maximumBioLength)"]
        default: [:]
        }
    }

    /// Reads a message as this field's answer.
    ///
    /// - Parameter minimumAge: The youngest age the bot accepts.
    func answer(from message: Message, minimumAge: Int) -> Result<Answer, Rejection> {
        let text = message.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let isPhoto = if case .photo = message.attachment { true } else { false }
        switch self {
        case .name:
            return words(isPhoto ? "" : text, lengths: 1...Self.maximumNameLength, else: .invalidName)
        case .age:
            guard !isPhoto, text.allSatisfy({ $0.isASCII && $0.isNumber }), let age = Int(text),
                age <= DatingConfiguration.maximumAge
            else { return .failure(Rejection(text: .invalidAge)) }
            guard age >= minimumAge else {
                return .failure(Rejection(text: .tooYoung, values: ["min_age": "\(minimumAge)"]))
            }
            return .success(.number(age))
        case .gender, .seeking:
            return .failure(Rejection(text: .invalidChoice))
        case .city:
            return words(isPhoto ? "" : text, lengths: 2...Self.maximumCityLength, else: .invalidCity)
        case .bio:
            let length = TelegramTextLength.of(text)
            guard !isPhoto, length >= 1, length <= Self.maximumBioLength else {
                let values = limits.merging(["length": "\(length)"]) { $1 }
                return .failure(Rejection(text: .invalidBio, values: values))
            }
            return .success(.text(text))
        case .photo:
            guard case .photo(let fileID) = message.attachment else { return .failure(Rejection(text: .invalidPhoto)) }
            return .success(.photo(fileID: fileID))
        }
    }

    /// A name-like answer: words with at least one letter, spaces collapsed, within `lengths`
    /// characters as Telegram counts them.
    private func words(
        _ text: String, lengths: ClosedRange<Int>, else rejection: DatingText
    ) -> Result<Answer, Rejection> {
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard lengths.contains(TelegramTextLength.of(words)), words.contains(where: \.isLetter) else {
            return .failure(Rejection(text: rejection, values: limits))
        }
        return .success(.text(words))
    }
}
