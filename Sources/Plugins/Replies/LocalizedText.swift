import Foundation
import Tenant

/// A text in one language, or in several: `"Hi"` or `{ ru: "Привет", en: "Hi" }`.
public struct LocalizedText: Decodable, Sendable, Equatable {
    /// Texts by locale; a plain string is stored under the empty locale.
    public var texts: [String: String]

    /// A text for every locale.
    public init(_ text: String) {
        texts = ["": text]
    }

    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
            texts = ["": text]
        } else {
            texts = try [String: String](from: decoder)
        }
    }

    /// The text for a person: their client language, then the bot's locale, then the first by name.
    public func resolve(language: String?, fallbackLocale: String?) -> String {
        if let plain = texts[""] { return plain }
        let language = language.map { String($0.prefix { $0 != "-" && $0 != "_" }).lowercased() }
        for locale in [language, fallbackLocale].compactMap({ $0 }) {
            if let text = texts[locale] { return text }
        }
        return texts.keys.sorted().first.flatMap { texts[$0] } ?? ""
    }

    /// Checks every text is non-empty and within Telegram's 4096 characters.
    func validate(at key: String) throws {
        guard !texts.isEmpty else { throw PluginConfigurationError(key: key, "give a text, or a map of locale to text") }
        for (locale, text) in texts.sorted(by: { $0.key < $1.key }) {
            let where_ = locale.isEmpty ? key : "\(key).\(locale)"
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw PluginConfigurationError(key: where_, "the text is empty")
            }
            if text.utf16.count > 4096 {
                throw PluginConfigurationError(key: where_, "the text has \(text.utf16.count) characters; Telegram allows 4096")
            }
        }
    }
}
