import Tenant

/// The `dating` plugin's settings; every key is optional.
///
/// ```yaml
/// - dating:
///     daily_likes: 50          # likes per person per local day
///     report_threshold: 3      # different people whose reports hide a profile until review
///     min_age: 18              # youngest age accepted; never below 18
///     age_range: 5             # candidates are at most this many years older or younger
///     texts:                   # any text the plugin sends, by key, plain or per locale
///       welcome: { ru: "Привет! Это Han Dating.", en: "Hi! This is Han Dating." }
///       button_like: "💘"
/// ```
public struct DatingConfiguration: Decodable, Sendable, Equatable {
    /// How many likes one person may give per day of their own time zone. Default 50.
    public var dailyLikes: Int
    /// How many different people must report a profile before it is hidden until an admin
    /// reviews it. Default 3.
    public var reportThreshold: Int
    /// The youngest age the wizard accepts. Default 18; a manifest may raise it, never lower it.
    public var minAge: Int
    /// Candidates shown are at most this many years older or younger than the viewer (which is
    /// symmetric, so both people are within each other's range). Default 5.
    public var ageRange: Int
    /// Overrides of the texts the plugin sends, by key (`ask_name`).
    public var texts: [String: LocalizedText]

    /// The oldest age the wizard accepts.
    public static let maximumAge = 99
    /// The legal floor of ``minAge``.
    public static let lowestMinimumAge = 18

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dailyLikes = "daily_likes"
        case reportThreshold = "report_threshold"
        case minAge = "min_age"
        case ageRange = "age_range"
        case texts
    }

    /// Creates settings; the defaults are those of an empty manifest entry.
    public init(
        dailyLikes: Int = 50, reportThreshold: Int = 3, minAge: Int = 18, ageRange: Int = 5,
        texts: [String: LocalizedText] = [:]
    ) {
        self.dailyLikes = dailyLikes
        self.reportThreshold = reportThreshold
        self.minAge = minAge
        self.ageRange = ageRange
        self.texts = texts
    }

    /// Decodes the settings; absent keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DatingConfiguration()
        self.init(
            dailyLikes: try container.decodeIfPresent(Int.self, forKey: .dailyLikes) ?? defaults.dailyLikes,
            reportThreshold: try container.decodeIfPresent(Int.self, forKey: .reportThreshold)
                ?? defaults.reportThreshold,
            minAge: try container.decodeIfPresent(Int.self, forKey: .minAge) ?? defaults.minAge,
            ageRange: try container.decodeIfPresent(Int.self, forKey: .ageRange) ?? defaults.ageRange,
            texts: try container.decodeIfPresent([String: LocalizedText].self, forKey: .texts) ?? [:])
    }

    /// Checks the numbers and every text override, naming the setting that is wrong.
    ///
    /// - Throws: ``PluginConfigurationError`` with the setting's key (`texts.ask_name.ru`).
    public func validate() throws {
        try Self.require(dailyLikes, in: 1...10_000, key: .dailyLikes, "likes per person per day")
        try Self.require(reportThreshold, in: 1...1_000, key: .reportThreshold, "different people's reports")
        guard minAge >= Self.lowestMinimumAge else {
            throw PluginConfigurationError(
                key: CodingKeys.minAge.rawValue,
                "\(minAge) is below \(Self.lowestMinimumAge); a dating bot is for adults: use 18 or more")
        }
        try Self.require(minAge, in: Self.lowestMinimumAge...Self.maximumAge, key: .minAge, "years")
        try Self.require(ageRange, in: 0...(Self.maximumAge - Self.lowestMinimumAge), key: .ageRange, "years")
        for (key, text) in texts.sorted(by: { $0.key < $1.key }) {
            try Self.validate(text, key: key)
        }
    }

    private static func require(_ value: Int, in range: ClosedRange<Int>, key: CodingKeys, _ unit: String) throws {
        guard !range.contains(value) else { return }
        throw PluginConfigurationError(
            key: key.rawValue,
            "\(value) is out of range; use \(range.lowerBound) to \(range.upperBound) (\(unit))")
    }

    private static func validate(_ text: LocalizedText, key: String) throws {
        let path = "\(CodingKeys.texts.rawValue).\(key)"
        guard let known = DatingText(rawValue: key) else {
            let keys = DatingText.allCases.map(\.rawValue).sorted().joined(separator: ", ")
            throw PluginConfigurationError(key: path, "no text is called '\(key)'; the texts are: \(keys)")
        }
        try text.validate(at: path)
        let allowed = known.placeholders
        for (locale, template) in text.variants {
            let unknown = TextTemplate.placeholders(in: template).subtracting(allowed)
            guard let first = unknown.sorted().first else { continue }
            let hint = allowed.isEmpty
                ? "this text takes no placeholders"
                : "it may use " + allowed.sorted().map { "{\($0)}" }.joined(separator: ", ")
            throw PluginConfigurationError(
                key: locale.map { "\(path).\($0)" } ?? path, "unknown placeholder {\(first)}; \(hint)")
        }
    }
}
