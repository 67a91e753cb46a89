import Foundation
import Tenant
import GRDB

/// One person's row in `dating_profiles`: their answers so far, where the wizard is, and their
/// browsing state.
struct DatingProfile: Sendable, Equatable, FetchableRecord {
    /// What a person is.
    enum Gender: String, Sendable, CaseIterable {
        case man = "m"
        case woman = "f"
    }

    /// Whom a person wants to meet.
    enum Seeking: String, Sendable, CaseIterable {
        case men = "m"
        case women = "f"
        case anyone = "a"

        /// The genders this wish accepts.
        var genders: [Gender] {
            switch self {
            case .men: [.man]
            case .women: [.woman]
            case .anyone: Gender.allCases
            }
        }
    }

    /// Where moderation left a profile.
    enum Moderation: String, Sendable {
        /// Shown (unless paused).
        case ok
        /// Reported by enough people; hidden until an admin approves or bans it.
        case hidden
        /// Banned by an admin; hidden for good.
        case banned
    }

    var userID: Int64
    var chatID: Int64
    var name: String?
    var age: Int?
    var gender: Gender?
    var seeking: Seeking?
    var city: String?
    var bio: String?
    var photo: String?
    /// The person's platform username, refreshed whenever they write; `nil` when they have none.
    var username: String?
    /// Their client's language, refreshed whenever they write, for texts others trigger.
    var language: String?
    /// The question the wizard or an edit is waiting for an answer to.
    var step: ProfileField?
    /// Whether the wizard was finished once.
    var complete: Bool
    var paused: Bool
    var moderation: Moderation
    /// The candidate on the card shown last.
    var currentCard: Int64?
    /// The local day (`2026-12-03`) `likesToday` counts.
    var likesDay: String?
    var likesToday: Int

    init(row: Row) throws {
        userID = row["user_id"]
        chatID = row["chat_id"]
        name = row["name"]
        age = row["age"]
        gender = (row["gender"] as String?).flatMap(Gender.init(rawValue:))
        seeking = (row["seeking"] as String?).flatMap(Seeking.init(rawValue:))
        city = row["city"]
        bio = row["bio"]
        photo = row["photo"]
        username = row["username"]
        language = row["language"]
        step = (row["step"] as String?).flatMap(ProfileField.init(rawValue:))
        complete = row["complete"]
        paused = row["paused"]
        moderation = Moderation(rawValue: row["moderation"]) ?? .hidden
        currentCard = row["current_card"]
        likesDay = row["likes_day"]
        likesToday = row["likes_today"]
    }

    /// Whether others may see the profile: finished, not paused, not hidden by moderation.
    var isVisible: Bool {
        complete && !paused && moderation == .ok
    }

    /// The profile with `user_id`, if any.
    static func fetch(_ db: Database, userID: Int64) throws -> DatingProfile? {
        try fetchOne(db.cachedStatement(sql: "SELECT * FROM dating_profiles WHERE user_id = ?"), arguments: [userID])
    }

    /// A city as search compares it: lowercased, spaces collapsed (`"New  York "` → `new york`).
    static func cityKey(_ city: String) -> String {
        city.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
