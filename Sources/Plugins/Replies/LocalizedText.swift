import Foundation
import Tenant

/// A text in one language, or in several: `"Hi"` or `{ ru: "Привет", en: "Hi" }`.
///
/// A map picks the text for the person who will read it: their client's language (`pt-br`,
/// then `pt`), then the bot's manifest `locale`, then the alphabetically first locale of the
/// map (YAML mappings reach plugins without their order, so "first" has to be stable).
public struct LocalizedText: Decodable, Sendable, Equatable {
    /// A plain text for everybody, or texts by lowercased locale.
    enum Content: Sendable, Equatable {
        case plain(String)
        case localized([String: String])
    }

    /// The text or texts, as written.
    let content: Content

    /// A text for every locale.
    public init(_ text: String) {
        content = .plain(text)
    }

    /// Texts by locale (`["ru": "Привет", "en": "Hi"]`); locales are compared without case.
    public init(localized texts: [String: String]) {
        content = .localized(Dictionary(texts.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 }))
    }

    /// Decodes a string, or a mapping of locale to string.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: LocaleKey.self) {
            var texts: [String: String] = [:]
            for key in container.allKeys {
                texts[key.stringValue] = try container.decode(String.self, forKey: key)
            }
            self.init(localized: texts)
        } else {
            self.init(try decoder.singleValueContainer().decode(String.self))
        }
    }

    /// The text for a reader.
    ///
    /// - Parameters:
    ///   - language: The reader's client language (an IETF tag such as `pt-BR`), if known.
    ///   - fallbackLocale: The bot's manifest locale, if any.
    public func resolve(language: String?, fallbackLocale: String?) -> String {
        switch content {
        case .plain(let text):
            return text
        case .localized(let texts):
            for candidate in Self.candidates(language) + Self.candidates(fallbackLocale) {
                if let text = texts[candidate] { return text }
            }
            return texts.min(by: { $0.key < $1.key })?.value ?? ""
        }
    }

    /// `pt-BR` → `["pt-br", "pt"]`; `nil` → `[]`.
    private static func candidates(_ tag: String?) -> [String] {
        guard let tag = tag?.lowercased().replacingOccurrences(of: "_", with: "-"), !tag.isEmpty else { return [] }
        let primary = String(tag.prefix { $0 != "-" })
        return primary == tag ? [tag] : [tag, primary]
    }

    /// Checks that the text (each of them, for a map) is non-empty and fits one Telegram message.
    ///
    /// - Parameter key: The setting's path, for the error (`commands.help.text`).
    func validate(at key: String) throws {
        switch content {
        case .plain(let text):
            try Self.validate(text, at: key)
        case .localized(let texts):
            guard !texts.isEmpty else {
                throw PluginConfigurationError(key: key, "the map of locale to text is empty; give at least one text")
            }
            for (locale, text) in texts.sorted(by: { $0.key < $1.key }) {
                guard Self.isLocale(locale) else {
                    throw PluginConfigurationError(
                        key: "\(key).\(locale)", "'\(locale)' is not a language code; use codes such as ru, en or pt-br")
                }
                try Self.validate(text, at: "\(key).\(locale)")
            }
        }
    }

    private static func validate(_ text: String, at key: String) throws {
        if text.allSatisfy(\.isWhitespace) {
            throw PluginConfigurationError(key: key, "the text is empty; write what the bot should say")
        }
        let length = text.utf16.count
        if length > maximumLength {
            throw PluginConfigurationError(
                key: key, "the text is \(length) characters long; a message holds at most \(maximumLength)")
        }
    }

    /// The longest text one message holds, in UTF-16 code units as Telegram counts them.
    static let maximumLength = 4096

    /// `ru`, `en`, `pt-br`, `zh-hans`: two or three letters, then optional subtags.
    private static func isLocale(_ locale: String) -> Bool {
        let parts = locale.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count),
            primary.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}

/// Any mapping key, read as a locale.
private struct LocaleKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
