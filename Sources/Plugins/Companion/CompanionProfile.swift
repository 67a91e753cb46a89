import Foundation

/// What the companion knows about a person: stored as JSON, shown to the model in every prompt,
/// and rewritten by the model every `profile_every` messages.
struct CompanionProfile: Encodable, Sendable, Equatable {
    /// What the person is called.
    var name: String?
    /// Their age in years.
    var age: Int?
    /// Where they live.
    var city: String?
    /// What they like: short phrases.
    var interests: [String]
    /// What they told: short sentences.
    var facts: [String]
    /// Free-form notes.
    var notes: String?

    /// The most interests and facts kept, so the prompt stays small.
    static let maximumItems = 30

    /// Creates a profile.
    init(
        name: String? = nil, age: Int? = nil, city: String? = nil, interests: [String] = [], facts: [String] = [],
        notes: String? = nil
    ) {
        self.name = name
        self.age = age
        self.city = city
        self.interests = interests
        self.facts = facts
        self.notes = notes
    }

    /// Reads a profile from a JSON object, keeping what has the right type and ignoring the rest:
    /// an age may be `27` or `"27"`, a list may be a comma-separated string.
    init(lenient object: [String: Any]) {
        self.init(
            name: Self.text(object["name"]),
            age: Self.number(object["age"]),
            city: Self.text(object["city"]),
            interests: Self.list(object["interests"]),
            facts: Self.list(object["facts"]),
            notes: Self.text(object["notes"]))
    }

    /// Whether nothing is known.
    var isEmpty: Bool { self == CompanionProfile() }

    /// This profile with what `update` knows laid over it: its values replace these, and what it
    /// leaves out (an empty `{}`) stays.
    func updated(with update: CompanionProfile) -> CompanionProfile {
        CompanionProfile(
            name: update.name ?? name, age: update.age ?? age, city: update.city ?? city,
            interests: Array((update.interests.isEmpty ? interests : update.interests).prefix(Self.maximumItems)),
            facts: Array((update.facts.isEmpty ? facts : update.facts).prefix(Self.maximumItems)),
            notes: update.notes ?? notes)
    }

    /// The profile as compact JSON with sorted keys, for storage and prompts.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// A profile decoded from stored JSON; an empty one if the JSON is unreadable.
    static func decoded(from json: String) -> CompanionProfile {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return CompanionProfile()
        }
        return CompanionProfile(lenient: object)
    }

    private static func text(_ value: Any?) -> String? {
        guard let string = value as? String else { return nil }
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    private static func number(_ value: Any?) -> Int? {
        if let string = value as? String { return Int(string.trimmingCharacters(in: .whitespaces)) }
        return (value as? NSNumber)?.intValue
    }

    private static func list(_ value: Any?) -> [String] {
        let items: [String]
        if let array = value as? [Any] {
            items = array.compactMap { text($0) }
        } else if let string = value as? String {
            items = string.split(separator: ",").compactMap { text(String($0)) }
        } else {
            items = []
        }
        return Array(items.prefix(maximumItems))
    }
}
