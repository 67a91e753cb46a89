import Foundation
import Plugins
import Tenant
import Storage
import GRDB

/// People, profiles and helpers the `dating` tests share.
enum DatingFixture {
    static let bob = person(2001, "Bob", username: "bob")
    static let alice = person(2002, "Alice")
    static let carol = person(2003, "Carol")
    static let dora = person(2004, "Dora")
    static let eve = person(2005, "Eve")
    static let fay = person(2006, "Fay")
    static let gus = person(2007, "Gus", language: "ru")
    static let hal = person(2008, "Hal")
    static let ivan = person(2009, "Ivan")
    static let jon = person(2010, "Jon")
    static let ken = person(2011, "Ken")
    static let admin = person(User.admin.id, "Ada")

    /// One person's wizard answers.
    struct Answers {
        var name: String
        var age: String
        /// `m` or `f`.
        var gender: String
        /// `m`, `f` or `a`.
        var seeking: String
        var city = "Lisbon"
        var bio = "Surfing and coffee."
        var photo: String

        static func man(_ name: String, age: Int = 30, seeking: String = "f", city: String = "Lisbon") -> Answers {
            Answers(name: name, age: "\(age)", gender: "m", seeking: seeking, city: city, photo: "photo-\(name)")
        }

        static func woman(_ name: String, age: Int = 28, seeking: String = "m", city: String = "Lisbon") -> Answers {
            Answers(name: name, age: "\(age)", gender: "f", seeking: seeking, city: city, photo: "photo-\(name)")
        }
    }

    /// A harness over settings written as the JSON equivalent of a manifest's YAML.
    static func harness(_ json: String = "{}", bot: BotDescriptor = .test) async throws -> PluginHarness<DatingPlugin> {
        try await PluginHarness(configuration: decode(json), bot: bot)
    }

    /// Decodes settings like the manifest loader does.
    static func decode(_ json: String) throws -> DatingConfiguration {
        try JSONDecoder().decode(DatingConfiguration.self, from: Data(json.utf8))
    }

    /// A person with an English client; `username` nil for someone without one.
    static func person(_ id: Int64, _ name: String, username: String? = nil, language: String = "en") -> User {
        User(id: id, firstName: name, username: username, languageCode: language)
    }

    /// A message from `user` in their private chat.
    static func says(_ text: String?, from user: User, photo: String? = nil) -> Update {
        Updates.message(text, from: user, in: Chat(id: user.id, kind: .private),
                        attachment: photo.map { .photo(fileID: $0) })
    }

    /// A press by `user` in their private chat.
    static func presses(_ data: String, from user: User) -> Update {
        Updates.press(data, from: user, in: Chat(id: user.id, kind: .private))
    }

    /// Runs the whole wizard for `user`; returns the last outcome (the "profile ready" message).
    @discardableResult
    static func fillProfile(
        _ harness: PluginHarness<DatingPlugin>, for user: User, _ answers: Answers
    ) async throws -> PluginHarness<DatingPlugin>.Outcome {
        _ = try await harness.handle(says("/start", from: user))
        _ = try await harness.handle(says(answers.name, from: user))
        _ = try await harness.handle(says(answers.age, from: user))
        _ = try await harness.handle(presses("dt:g:\(answers.gender)", from: user))
        _ = try await harness.handle(presses("dt:s:\(answers.seeking)", from: user))
        _ = try await harness.handle(says(answers.city, from: user))
        _ = try await harness.handle(says(answers.bio, from: user))
        return try await harness.handle(says(nil, from: user, photo: answers.photo))
    }

    /// Counts the rows of `table` that mention `userID` in any of `columns`.
    static func rows(
        in table: String, columns: [String], mentioning userID: Int64, store: BotStore
    ) async throws -> Int {
        let condition = columns.map { "\($0) = :user" }.joined(separator: " OR ")
        return try await store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(condition)", arguments: ["user": userID]) ?? 0
        }
    }

    /// The stored answers of `userID` as strings (`""` for none), or `nil` without a profile:
    /// name, age, gender, seeking, city, city key, bio, photo, complete.
    static func storedAnswers(_ harness: PluginHarness<DatingPlugin>, _ userID: Int64) async throws -> [String]? {
        try await harness.store.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT name, age, gender, seeking, city, city_key, bio, photo, complete
                    FROM dating_profiles WHERE user_id = ?
                    """,
                arguments: [userID]
            ).map { row in (0..<row.count).map { row[$0].map { "\($0)" } ?? "" } }
        }
    }
}

extension PluginHarness.Outcome {
    /// The messages sent, in order.
    var sentMessages: [OutgoingMessage] {
        actions.compactMap { action in
            if case .send(let message) = action { return message }
            return nil
        }
    }

    /// The callback data of every button of every message sent, in order.
    var callbackData: [String] {
        sentMessages.flatMap { $0.buttons.flatMap { $0 } }.compactMap { button in
            if case .callback(let data) = button.action { return data }
            return nil
        }
    }

    /// The button edits it asked for, in order.
    var editedButtons: [ButtonsEdit] {
        actions.compactMap { action in
            if case .editButtons(let edit) = action { return edit }
            return nil
        }
    }

    /// The notice the press was answered with, if the plugin answered one.
    var callbackNotice: String?? {
        for action in actions {
            if case .answerCallback(let answer) = action { return .some(answer.text) }
        }
        return nil
    }
}
