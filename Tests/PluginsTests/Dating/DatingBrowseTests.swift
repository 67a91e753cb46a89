import Foundation
import Testing
import Plugins
import Tenant
import GRDB

@Suite("Dating: browsing, matches and limits", .timeLimit(.minutes(5)))
struct DatingBrowseTests {

    /// Bob (30, man, seeks women, Lisbon) and the women around him: Alice and Fay match his
    /// wishes; Carol wants women, Dora is 40, Eve lives in Porto. Unseen people come in the
    /// search index's order, so Fay (who wants anyone) comes before Alice (who wants men).
    static func town(_ json: String = "{}") async throws -> PluginHarness<DatingPlugin> {
        let harness = try await DatingFixture.harness(json)
        try await DatingFixture.fillProfile(harness, for: DatingFixture.bob, .man("Bob"))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.alice, .woman("Alice"))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.carol, .woman("Carol", seeking: "f"))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.dora, .woman("Dora", age: 40))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.eve, .woman("Eve", city: " porto"))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.fay, .woman("Fay", age: 33, seeking: "a", city: "LISBON"))
        return harness
    }

    @Test("a card shows the candidate's photo and caption with like, skip, report and block")
    func card() async throws {
        let harness = try await Self.town()
        let outcome = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        #expect(outcome.sentMessages == [OutgoingMessage(
            chatID: DatingFixture.bob.id, text: "Fay, 33, LISBON\n\nSurfing and coffee.",
            buttons: [[.callback("❤️", data: "dt:l:2006"), .callback("👎", data: "dt:k:2006")],
                      [.callback("⚠️ Report", data: "dt:r:2006"), .callback("🚫 Block", data: "dt:b:2006")]],
            photo: "photo-Fay")])
    }

    @Test("only mutual wishes, the same city and the age range are shown; never the same person twice in a row")
    func candidates() async throws {
        var harness = try await Self.town()
        var shown: [String] = []
        var data = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob)).callbackData
        for _ in 0..<4 {
            shown.append(String(data[0].dropFirst("dt:l:".count)))
            harness.now += 60
            data = try await harness.handle(DatingFixture.presses(data[1], from: DatingFixture.bob)).callbackData
        }
        #expect(shown == ["2006", "2002", "2006", "2002"], "Fay and Alice in turn, the one seen longest ago first")

        // Alone with one candidate, a skip does not show her again at once.
        let lonely = try await DatingFixture.harness()
        try await DatingFixture.fillProfile(lonely, for: DatingFixture.bob, .man("Bob"))
        try await DatingFixture.fillProfile(lonely, for: DatingFixture.alice, .woman("Alice"))
        let first = try await lonely.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        #expect(first.callbackData.first == "dt:l:2002")
        let next = try await lonely.handle(DatingFixture.presses("dt:k:2002", from: DatingFixture.bob))
        #expect(next.sentTexts == ["No new profiles right now. Try again later."])
        #expect(next.callbackData == ["dt:n"])
    }

    @Test("a mutual like tells both at once: a username link, or the bot relays the first message")
    func match() async throws {
        let harness = try await Self.town()
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        _ = try await harness.handle(DatingFixture.presses("dt:k:2006", from: DatingFixture.bob))
        let liked = try await harness.handle(DatingFixture.presses("dt:l:2002", from: DatingFixture.bob))
        #expect(liked.sentMessages.map(\.chatID) == [DatingFixture.bob.id], "no match yet, only the next card")
        #expect(liked.callbackData.first == "dt:l:2006")

        let card = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice))
        #expect(card.callbackData.first == "dt:l:2001")
        let match = try await harness.handle(DatingFixture.presses("dt:l:2001", from: DatingFixture.alice))
        let messages = match.sentMessages
        #expect(messages.count == 3)
        #expect(messages[0] == OutgoingMessage(
            chatID: DatingFixture.alice.id, text: "It's a match! You and Bob like each other. Say hello!",
            buttons: [[.url("Write to Bob", url: "https://t.me/bob")], [.callback("🚫 Block", data: "dt:b:2001")]],
            photo: "photo-Bob"))
        #expect(messages[1] == OutgoingMessage(
            chatID: DatingFixture.bob.id,
            text: "It's a match! You and Alice like each other. Alice has no public username: "
                + "send me your first message and I'll pass it on.",
            buttons: [[.callback("Write to Alice", data: "dt:w:2002")], [.callback("🚫 Block", data: "dt:b:2002")]],
            photo: "photo-Alice"))
        #expect(messages[2].text == "No new profiles right now. Try again later.")

        let relayed = try await harness.handle(DatingFixture.says("Hi Alice! Coffee?", from: DatingFixture.bob))
        #expect(relayed.sentMessages == [
            OutgoingMessage(chatID: DatingFixture.alice.id, text: "💌 Bob writes:\n\nHi Alice! Coffee?",
                            buttons: [[.url("Write to Bob", url: "https://t.me/bob")],
                                      [.callback("🚫 Block", data: "dt:b:2001")]]),
            OutgoingMessage(chatID: DatingFixture.bob.id, text: "Sent to Alice."),
        ])
        #expect(try await harness.handle(DatingFixture.says("and again", from: DatingFixture.bob)).disposition == .passed,
                "only the first message is relayed")
        let rearmed = try await harness.handle(DatingFixture.presses("dt:w:2002", from: DatingFixture.bob))
        #expect(rearmed.sentTexts == ["Write your message to Alice; I'll pass it on."])
        #expect(try await harness.handle(DatingFixture.presses("dt:w:2003", from: DatingFixture.bob)).sentTexts == [
            "That person is no longer available.",
        ], "no relay to someone who is not a match")

        _ = try await harness.handle(DatingFixture.presses("dt:b:2001", from: DatingFixture.alice))
        #expect(try await harness.handle(DatingFixture.says("Still there?", from: DatingFixture.bob)).actions.isEmpty,
                "a block from the relayed message ends the relay")
        #expect(try await harness.handle(DatingFixture.presses("dt:w:2002", from: DatingFixture.bob)).sentTexts == [
            "That person is no longer available.",
        ], "and the match")
    }

    @Test("a relayed message from someone without a username carries a reply button; Russian readers get Russian")
    func relayBack() async throws {
        let harness = try await DatingFixture.harness()
        try await DatingFixture.fillProfile(harness, for: DatingFixture.gus, .man("Гус"))
        try await DatingFixture.fillProfile(harness, for: DatingFixture.alice, .woman("Alice"))
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.gus))
        _ = try await harness.handle(DatingFixture.presses("dt:l:2002", from: DatingFixture.gus))
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice))
        let match = try await harness.handle(DatingFixture.presses("dt:l:2007", from: DatingFixture.alice))
        #expect(match.sentMessages.first { $0.chatID == DatingFixture.gus.id }?.text
            == "Взаимная симпатия! Вы и Alice понравились друг другу. У Alice нет публичного имени: "
            + "пришлите мне первое сообщение, и я его передам.")
        let relayed = try await harness.handle(DatingFixture.says("Hello from Alice", from: DatingFixture.alice))
        #expect(relayed.sentMessages.first == OutgoingMessage(
            chatID: DatingFixture.gus.id, text: "💌 Alice пишет:\n\nHello from Alice",
            buttons: [[.callback("Ответить", data: "dt:w:2002")], [.callback("🚫 Заблокировать", data: "dt:b:2002")]]))
        let photo = try await harness.handle(DatingFixture.says(nil, from: DatingFixture.gus, photo: "selfie"))
        #expect(photo.sentTexts == ["Я могу передать только текст. Напишите сообщение для Alice."])
    }

    @Test("the daily like limit holds and resets at midnight of the person's own time zone")
    func dailyLimit() async throws {
        var harness = try await Self.town(#"{ "daily_likes": 1 }"#)
        // 2027-01-15 08:00 UTC: 17:00 in Tokyo, where Bob lives; Alice keeps the bot's UTC.
        try await harness.store.write { db in
            try db.execute(sql: "INSERT INTO user_time_zones (user_id, time_zone) VALUES (?, 'Asia/Tokyo')",
                           arguments: [DatingFixture.bob.id])
        }
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        #expect(try await harness.handle(DatingFixture.presses("dt:l:2006", from: DatingFixture.bob)).callbackData.first
            == "dt:l:2002")
        harness.now += 3600
        let refused = try await harness.handle(DatingFixture.presses("dt:l:2002", from: DatingFixture.bob))
        #expect(refused.sentTexts == ["That's all your likes for today (1 a day). More tomorrow!"])
        #expect(refused.callbackData.isEmpty, "the card stays")
        #expect(refused.editedButtons.isEmpty, "with its buttons, to skip instead")
        #expect(try await DatingFixture.rows(in: "dating_likes", columns: ["from_id"], mentioning: DatingFixture.bob.id,
                                             store: harness.store) == 1)

        // 16:00 UTC: still the same day for Alice, already the next in Tokyo.
        try await DatingFixture.fillProfile(harness, for: DatingFixture.gus, .man("Gus"))
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice))
        _ = try await harness.handle(DatingFixture.presses("dt:l:2001", from: DatingFixture.alice))
        harness.now += 7 * 3600
        let alice = try await harness.handle(DatingFixture.presses("dt:l:2007", from: DatingFixture.alice))
        #expect(alice.sentTexts == ["That's all your likes for today (1 a day). More tomorrow!"])
        let bob = try await harness.handle(DatingFixture.presses("dt:l:2002", from: DatingFixture.bob))
        #expect(!bob.sentTexts.contains("That's all your likes for today (1 a day). More tomorrow!"))
        #expect(try await DatingFixture.rows(in: "dating_likes", columns: ["from_id"], mentioning: DatingFixture.bob.id,
                                             store: harness.store) == 2)
    }

    @Test("likes made at the same moment still become a match, told at the next browse")
    func simultaneousLikes() async throws {
        let harness = try await Self.town()
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.alice))
        // As if both presses were handled before either committed: neither saw the other's like.
        try await harness.store.write { db in
            try db.execute(sql: """
                INSERT INTO dating_likes (from_id, to_id, at) VALUES (2001, 2002, 0), (2002, 2001, 0);
                INSERT INTO dating_matches (low_id, high_id, notified, at) VALUES (2001, 2002, 0, 0);
                """)
        }
        let told = try await harness.handle(DatingFixture.presses("dt:k:2006", from: DatingFixture.bob))
        #expect(told.sentMessages.prefix(2).map(\.chatID) == [DatingFixture.bob.id, DatingFixture.alice.id])
        #expect(told.sentMessages.first?.text.hasPrefix("It's a match! You and Alice") == true)
        let again = try await harness.handle(DatingFixture.presses("dt:n", from: DatingFixture.bob))
        #expect(!again.sentTexts.contains { $0.hasPrefix("It's a match") }, "told once")
    }

    @Test("a press on an old card only answers that it is out of date")
    func staleCard() async throws {
        let harness = try await Self.town()
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        _ = try await harness.handle(DatingFixture.presses("dt:k:2006", from: DatingFixture.bob))
        let stale = try await harness.handle(DatingFixture.presses("dt:l:2006", from: DatingFixture.bob))
        #expect(stale.sentMessages.isEmpty)
        #expect(stale.callbackNotice == .some("This card is out of date."))
        #expect(stale.editedButtons == [ButtonsEdit(chatID: DatingFixture.bob.id, messageID: 77)], "its buttons go")
    }

    @Test("a liked, skipped or blocked card loses its buttons and stays as a record")
    func spentCards() async throws {
        let harness = try await Self.town()
        let card = ButtonsEdit(chatID: DatingFixture.bob.id, messageID: 77)
        _ = try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob))
        let liked = try await harness.handle(DatingFixture.presses("dt:l:2006", from: DatingFixture.bob))
        #expect(liked.editedButtons == [card])
        #expect(liked.sentMessages.last?.photo == "photo-Alice", "Alice's card comes next")
        // Skipping Alice leaves nobody new to show; blocking her from her card still spends it.
        for press in ["dt:k:2002", "dt:b:2002"] {
            #expect(try await harness.handle(DatingFixture.presses(press, from: DatingFixture.bob)).editedButtons == [card],
                    "\(press)")
        }
    }
}
