/// What a `dating` button does, written into its callback data as `dt:<code>[:<id>[:<argument>]]`.
///
/// User ids are at most 20 characters, so every action fits Telegram's 64 bytes of callback data.
enum DatingAction: Sendable, Equatable {
    /// The wizard's or an edit's answer to ``ProfileField/gender``.
    case gender(DatingProfile.Gender)
    /// The wizard's or an edit's answer to ``ProfileField/seeking``.
    case seeking(DatingProfile.Seeking)
    /// Ask the field again, to change it.
    case edit(ProfileField)
    case pause
    case resume
    /// Ask whether to delete the profile.
    case delete
    case confirmDelete
    case cancel
    /// Show the next candidate.
    case browse
    case like(Int64)
    case skip(Int64)
    case block(Int64)
    /// Ask why the person is reported.
    case report(Int64)
    case reportReason(Int64, ReportReason)
    /// Pass the presser's next message to a match.
    case write(Int64)
    case approve(Int64)
    case ban(Int64)

    /// Marks data as this plugin's, so presses on other plugins' buttons pass.
    static let prefix = "dt:"

    /// The callback data.
    var data: String {
        let parts: [String] = switch self {
        case .gender(let gender): ["g", gender.rawValue]
        case .seeking(let seeking): ["s", seeking.rawValue]
        case .edit(let field): ["e", field.rawValue]
        case .pause: ["p"]
        case .resume: ["u"]
        case .delete: ["d"]
        case .confirmDelete: ["dy"]
        case .cancel: ["c"]
        case .browse: ["n"]
        case .like(let id): ["l", "\(id)"]
        case .skip(let id): ["k", "\(id)"]
        case .block(let id): ["b", "\(id)"]
        case .report(let id): ["r", "\(id)"]
        case .reportReason(let id, let reason): ["x", "\(id)", reason.rawValue]
        case .write(let id): ["w", "\(id)"]
        case .approve(let id): ["ma", "\(id)"]
        case .ban(let id): ["mb", "\(id)"]
        }
        return Self.prefix + parts.joined(separator: ":")
    }

    /// Reads callback data; `nil` when it is not a `dating` action.
    init?(data: String?) {
        guard let data, data.hasPrefix(Self.prefix) else { return nil }
        let parts = data.dropFirst(Self.prefix.count).split(separator: ":").map(String.init)
        guard let code = parts.first else { return nil }
        let id = parts.count > 1 ? Int64(parts[1]) : nil
        let argument = parts.count > 1 ? parts[1] : ""
        switch (code, parts.count) {
        case ("g", 2): guard let gender = DatingProfile.Gender(rawValue: argument) else { return nil }
            self = .gender(gender)
        case ("s", 2): guard let seeking = DatingProfile.Seeking(rawValue: argument) else { return nil }
            self = .seeking(seeking)
        case ("e", 2): guard let field = ProfileField(rawValue: argument) else { return nil }
            self = .edit(field)
        case ("p", 1): self = .pause
        case ("u", 1): self = .resume
        case ("d", 1): self = .delete
        case ("dy", 1): self = .confirmDelete
        case ("c", 1): self = .cancel
        case ("n", 1): self = .browse
        case ("x", 3): guard let id, let reason = ReportReason(rawValue: parts[2]) else { return nil }
            self = .reportReason(id, reason)
        case (_, 2): guard let id, let action = Self.personAction(code, id) else { return nil }
            self = action
        default: return nil
        }
    }

    private static func personAction(_ code: String, _ id: Int64) -> DatingAction? {
        switch code {
        case "l": .like(id)
        case "k": .skip(id)
        case "b": .block(id)
        case "r": .report(id)
        case "w": .write(id)
        case "ma": .approve(id)
        case "mb": .ban(id)
        default: nil
        }
    }
}

/// Why someone reported a profile.
enum ReportReason: String, CaseIterable, Sendable {
    case spam
    case fake
    case abuse
    case underage
    case other

    /// The reason's label.
    var label: DatingText {
        switch self {
        case .spam: .reasonSpam
        case .fake: .reasonFake
        case .abuse: .reasonAbuse
        case .underage: .reasonUnderage
        case .other: .reasonOther
        }
    }
}
