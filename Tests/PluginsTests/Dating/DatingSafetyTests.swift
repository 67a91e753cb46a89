import Foundation
import Testing
import Plugins
import Tenant
import GRDB

@Suite("Dating: reports, blocks, moderation, pause and delete", .timeLimit(.minutes(5)))
struct DatingSafetyTests {

    /// Alice and the men who see her. Each check of who sees her uses someone who has not
    /// browsed yet: a second `/browse` never shows the card shown last.
    static func town(_ json: String = "{}") async throws -> PluginHarness<DatingPlugin> {
        let harness = try await DatingFixture.harness(json)
        try await DatingFixture.fillProfile(harness, for: DatingFixture.alice, .woman("Alice"))
        for man in [DatingFixture.bob, DatingFixture.ken, DatingFixture.hal, DatingFixture.ivan, DatingFixture.jon] {
            try await DatingFixture.fillProfile(harness, for: man, .man(man.firstName))
        }
        return harness
    }

    /// The town, where Alice has likes both ways and a match with Bob, views both ways, a relay,
    /// a block and reports both ways.
    static func aliceInEveryTable() async throws -> PluginHarness<DatingPlugin> {
        let harness = try await town()
        _ = try await firstCard(harness, for: DatingFixture.bob)
        _ = try await harness.handle(DatingFixture.presses("dt:l:2002", from: DatingFixture.bob))
        _ = try await firstCard(harness, for: DatingFixture.alice)
        _ = try await harness.handle(DatingFixture.presses("dt:l:2001", from: DatingFixture.alice))
        _ = try await harness.handle(DatingFixture.presses("dt:b:2008", from: DatingFixture.alice))
        _ = try await harness.handle(DatingFixture.presses("dt:x:2011:spam", from: DatingFixture.alice))
        _ = try await harness.handle(DatingFixture.presses("dt:x:2002:fake", from: DatingFixture.ken))
        return harness
    }

    /// The first card `user` gets from `/browse`: the candidate's id, or `nil` for none.
    static func firstCard(_ harness: PluginHarness<DatingPlugin>, for user: User) async throws -> String? {
        let data = try await harness.handle(DatingFixture.says("/browse", from: user)).callbackData
        guard let first = data.first, first.hasPrefix("dt:l:") else { return nil }
        return String(first.dropFirst("dt:l:".count))
    }

    static func report(_ harness: PluginHarness<DatingPlugin>, by user: User, reason: String) async throws {
        #expect(try await firstCard(harness, for: user) == "2002")
        let prompt = try await harness.handle(DatingFixture.presses("dt:r:2002", from: user))
        #expect(prompt.sentTexts == ["Why are you reporting Alice?"])
        #expect(prompt.callbackData == [
            "dt:x:2002:spam", "dt:x:2002:fake", "dt:x:2002:abuse", "dt:x:2002:underage", "dt:x:2002:other", "dt:c",
        ])
        let done = try await harness.handle(DatingFixture.presses("dt:x:2002:\(reason)", from: user))
        #expect(done.actions.contains(.edit(MessageEdit(
            chatID: user.id, messageID: 77,
            text: "Thank you. The moderators will look at it; you won't see this profile again."))))
    }

    @Test("reports by N different people hide a profile until an admin approves it")
    func reportThresholdAndApproval() async throws {
        let harness = try await Self.town(#"{ "report_threshold": 2 }"#)
        try await Self.report(harness, by: DatingFixture.bob, reason: "spam")
        #expect(try await Self.firstCard(harness, for: DatingFixture.bob) == nil, "the reporter never sees her again")
        #expect(try await Self.firstCard(harness, for: DatingFixture.hal) == "2002", "one report hides nothing")
        try await Self.report(harness, by: DatingFixture.ken, reason: "fake")
        #expect(try await Self.firstCard(harness, for: DatingFixture.ivan) == nil, "two reports hide her")
        #expect(try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice)).sentTexts == [
            "Your profile is waiting for a moderator's review; you can browse again after it.",
        ])

        #expect(try await harness.handle(DatingFixture.says("/moderation", from: DatingFixture.hal)).disposition == .passed)
        let queue = try await harness.handle(DatingFixture.says("/moderation", from: DatingFixture.admin))
        #expect(queue.sentMessages == [OutgoingMessage(
            chatID: DatingFixture.admin.id,
            text: "Alice, 28, Lisbon\n\nSurfing and coffee.\n\nReports: 2 (Fake profile ×1, Spam ×1)",
            buttons: [[.callback("✅ Approve", data: "dt:ma:2002"), .callback("⛔ Ban", data: "dt:mb:2002")]],
            photo: "photo-Alice")])
        #expect(try await harness.handle(DatingFixture.presses("dt:ma:2002", from: DatingFixture.hal)).actions
            == [.answerCallback(CallbackAnswer(chatID: DatingFixture.hal.id, callbackID: "cb-1"))], "only admins review")
        let approved = try await harness.handle(DatingFixture.presses("dt:ma:2002", from: DatingFixture.admin))
        #expect(approved.callbackNotice == .some("Approved: the profile is visible again."))
        #expect(approved.editedButtons == [ButtonsEdit(chatID: DatingFixture.admin.id, messageID: 77)], "the card's buttons go")
        #expect(approved.sentTexts == ["No reports to review."])
        #expect(try await Self.firstCard(harness, for: DatingFixture.jon) == "2002")
        #expect(try await harness.handle(DatingFixture.says("/moderation", from: DatingFixture.admin)).sentTexts == [
            "No reports to review.",
        ])
    }

    @Test("a ban hides the profile for good, tells nobody, and survives the person deleting everything")
    func ban() async throws {
        let harness = try await Self.town(#"{ "report_threshold": 1 }"#)
        try await Self.report(harness, by: DatingFixture.bob, reason: "abuse")
        let banned = try await harness.handle(DatingFixture.presses("dt:mb:2002", from: DatingFixture.admin))
        #expect(banned.callbackNotice == .some("Banned: the profile is hidden for good."))
        #expect(banned.editedButtons == [ButtonsEdit(chatID: DatingFixture.admin.id, messageID: 77)], "the card's buttons go")
        #expect(banned.sentMessages.allSatisfy { $0.chatID == DatingFixture.admin.id }, "nobody else is told")
        #expect(try await Self.firstCard(harness, for: DatingFixture.hal) == nil)
        #expect(try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice)).sentTexts == [
            "Your profile was blocked by the moderators.",
        ])
        _ = try await harness.handle(DatingFixture.presses("dt:dy", from: DatingFixture.alice))
        #expect(try await harness.handle(DatingFixture.says("/start", from: DatingFixture.alice)).sentTexts == [
            "Your profile was blocked by the moderators.",
        ])
        #expect(try await DatingFixture.storedAnswers(harness, DatingFixture.alice.id) == nil)
    }

    @Test("a block hides both people from each other; pausing hides a profile until resumed")
    func blockAndPause() async throws {
        let harness = try await Self.town()
        #expect(try await Self.firstCard(harness, for: DatingFixture.bob) == "2002")
        let blocked = try await harness.handle(DatingFixture.presses("dt:b:2002", from: DatingFixture.bob))
        #expect(blocked.callbackNotice == .some("Blocked: you won't see each other again."))
        #expect(blocked.sentTexts == ["No new profiles right now. Try again later."])
        #expect(try await Self.firstCard(harness, for: DatingFixture.alice) == "2008", "Alice never sees Bob")

        let pause = try await harness.handle(DatingFixture.presses("dt:p", from: DatingFixture.alice))
        #expect(pause.sentTexts == ["Your profile is paused: nobody sees it until you resume it in /profile."])
        #expect(try await Self.firstCard(harness, for: DatingFixture.ken) == nil)
        let profile = try await harness.handle(DatingFixture.says("/profile", from: DatingFixture.alice))
        #expect(profile.sentTexts == ["Alice, 28, Lisbon\n\nSurfing and coffee.\n\n⏸ Paused: nobody sees your profile."])
        #expect(profile.callbackData == [
            "dt:e:name", "dt:e:age", "dt:e:gender", "dt:e:seeking", "dt:e:city", "dt:e:bio", "dt:e:photo", "dt:u", "dt:d",
        ])
        _ = try await harness.handle(DatingFixture.presses("dt:u", from: DatingFixture.alice))
        #expect(try await Self.firstCard(harness, for: DatingFixture.hal) == "2002")
    }

    @Test("people who blocked the bot are never shown")
    func blockedTheBot() async throws {
        let harness = try await Self.town()
        try await harness.store.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO chats (id, kind, blocked, first_seen, last_seen)
                VALUES (2002, 'private', 1, 0, 0)
                """)
        }
        #expect(try await Self.firstCard(harness, for: DatingFixture.bob) == nil)
    }

    @Test("a field is edited from /profile with the same checks, and the changed card comes back")
    func edit() async throws {
        let harness = try await Self.town()
        let ask = try await harness.handle(DatingFixture.presses("dt:e:city", from: DatingFixture.alice))
        #expect(ask.sentTexts == ["Which city do you live in?"])
        #expect(try await harness.handle(DatingFixture.says("1", from: DatingFixture.alice)).sentTexts == [
            "A city is 2 to 50 characters with letters. Which city do you live in?",
        ])
        let saved = try await harness.handle(DatingFixture.says("Porto", from: DatingFixture.alice))
        #expect(saved.sentMessages.first?.text == "Alice, 28, Porto\n\nSurfing and coffee.")
        #expect(saved.sentMessages.first?.photo == "photo-Alice")
        #expect(try await Self.firstCard(harness, for: DatingFixture.bob) == nil, "Bob is in Lisbon")
        #expect(try await harness.handle(DatingFixture.says("hello", from: DatingFixture.alice)).disposition == .passed)
    }

    @Test("answers are shown as written: braces in a name are not placeholders")
    func bracesInAnswers() async throws {
        let harness = try await DatingFixture.harness()
        var answers = DatingFixture.Answers.woman("{bio} Ann")
        answers.city = "{city}ville"
        try await DatingFixture.fillProfile(harness, for: DatingFixture.alice, answers)
        let profile = try await harness.handle(DatingFixture.says("/profile", from: DatingFixture.alice))
        #expect(profile.sentTexts == ["{bio} Ann, 28, {city}ville\n\nSurfing and coffee."])
    }

    @Test("delete asks the host to forget the person, which erases every dating row about them and nobody else's")
    func delete() async throws {
        let harness = try await Self.aliceInEveryTable()
        let tables = [
            ("dating_profiles", ["user_id", "current_card"]), ("dating_likes", ["from_id", "to_id"]),
            ("dating_views", ["from_id", "to_id"]), ("dating_blocks", ["from_id", "to_id"]),
            ("dating_reports", ["from_id", "to_id"]), ("dating_matches", ["low_id", "high_id"]),
            ("dating_relays", ["from_id", "to_id"]),
        ]
        for (table, columns) in tables {
            #expect(try await DatingFixture.rows(in: table, columns: columns, mentioning: DatingFixture.alice.id,
                                                 store: harness.store) > 0, "\(table) mentions Alice before")
        }

        let ask = try await harness.handle(DatingFixture.presses("dt:d", from: DatingFixture.alice))
        #expect(ask.sentTexts == [
            "Delete everything the bot knows about you: your profile, likes, matches, reports and our conversations? This cannot be undone.",
        ])
        #expect(ask.callbackData == ["dt:dy", "dt:c"])
        let deleted = try await harness.handle(DatingFixture.presses("dt:dy", from: DatingFixture.alice))
        #expect(deleted.forgotten == [DatingFixture.alice.id], "the whole bot forgets her, in the update's commit")
        #expect(deleted.writesApplied == 0, "nothing is written about her first")
        #expect(deleted.actions.contains(.edit(MessageEdit(
            chatID: DatingFixture.alice.id, messageID: 77,
            text: "Everything the bot stored about you is erased. Send /start to begin again."))))
        for (table, columns) in tables {
            #expect(try await DatingFixture.rows(in: table, columns: columns, mentioning: DatingFixture.alice.id,
                                                 store: harness.store) == 0, "\(table) forgot Alice")
        }
        let others = try await harness.store.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dating_profiles") ?? 0
        }
        #expect(others == 5, "the men's profiles stay")
        #expect(try await harness.handle(DatingFixture.says("/start", from: DatingFixture.alice)).sentTexts.last
            == "What's your name?", "she may start again")
    }
}
