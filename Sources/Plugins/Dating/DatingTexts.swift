import Tenant

/// The texts one bot's `dating` plugin speaks: the manifest's overrides over the shipped
/// defaults, chosen per reader like ``LocalizedText`` does.
struct DatingTexts: Sendable {
    private let overrides: [DatingText: LocalizedText]
    private let locale: String?

    /// Texts with the manifest's `texts` overrides; `locale` is the bot's manifest locale.
    ///
    /// - Precondition: The overrides were validated (every key is a ``DatingText``).
    init(overrides: [String: LocalizedText], locale: String?) {
        var known: [DatingText: LocalizedText] = [:]
        for (key, text) in overrides {
            if let textKey = DatingText(rawValue: key) { known[textKey] = text }
        }
        self.overrides = known
        self.locale = locale
    }

    /// The text `key` for a reader whose client speaks `language`, its placeholders filled.
    func callAsFunction(_ key: DatingText, _ language: String?, _ values: [String: String] = [:]) -> String {
        let text = overrides[key] ?? LocalizedText(localized: ["en": key.defaultText.en, "ru": key.defaultText.ru])
        return TextTemplate.render(text.resolve(language: language, fallbackLocale: locale), values)
    }
}

extension LocalizedText {
    /// Each text as written, with its locale (`nil` for a plain text), in locale order.
    var variants: [(locale: String?, text: String)] {
        switch content {
        case .plain(let text): [(nil, text)]
        case .localized(let texts): texts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
    }
}
