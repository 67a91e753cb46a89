import Foundation
import Testing

/// The `dating` plugin unchanged on Matrix, against a real Synapse: two people fill their
/// profiles with a photo they upload, browse and like each other by reaction, and match.
@Suite("End to end: Matrix dating", .serialized, .timeLimit(.minutes(4)))
struct MatrixDatingEndToEndTests {
    static let bot = "@aviary_dating:localhost"
    static let manifest = """
        platform: matrix
        matrix:
          localpart: aviary_dating
          display_name: Dating
        plugins: [dating]
        """

    /// A 1×1 PNG.
    static let png = Data(
        base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )!

    @Test("photos both ways (the person's mxc reused), presses by reaction taken back, spent buttons' reactions redacted, a matrix.to link")
    func datingOnMatrix() async throws {
        let testbed = try await MatrixTestbed()
        try testbed.sandbox.writeManifest("dating", Self.manifest)
        try await testbed.startHost(bots: 1)
        let people = try testbed.people(["ann", "bob"])
        let (ann, bob) = (people[0], people[1])
        let annRoom = try await ann.openDirectChat(with: Self.bot)
        let bobRoom = try await bob.openDirectChat(with: Self.bot)
        let annPhoto = try await Self.fillProfile(ann, in: annRoom, name: "Ann", age: 28, gender: "Woman", seeking: "Men")
        let bobPhoto = try await Self.fillProfile(bob, in: bobRoom, name: "Bob", age: 30, gender: "Man", seeking: "Women")
        #expect(annPhoto != bobPhoto)

        // Bob sees Ann's card: her own photo (the same mxc URL), then the caption with buttons.
        let card = try await Self.turn(bob, "!browse", in: bobRoom) { $0.contains { Self.body($0).hasPrefix("Ann, 28") } }
        #expect(card.compactMap { Self.content($0)["url"] as? String } == [annPhoto])
        #expect(card.filter { Self.content($0)["msgtype"] as? String == "m.image" }.count == 1)
        let caption = try #require(card.last)
        #expect(Self.body(caption).hasPrefix("Ann, 28, Lisbon\n\nAbout Ann.\n\n1. ❤️\n2. 👎"))
        let cardEvent = try #require(caption["event_id"] as? String)
        _ = try await bob.waitForEvents(in: bobRoom, type: "m.reaction") { events in
            events.filter { Self.relatesTo($0) == cardEvent }.count == 4
        }

        // Bob likes by reaction: his reaction is taken back, and the spent card's reactions go.
        let like = try await bob.send(
            ["m.relates_to": ["rel_type": "m.annotation", "event_id": cardEvent, "key": MatrixTestKeys.one]],
            type: "m.reaction",
            in: bobRoom,
            txn: "like-ann"
        )
        let reactions = try await bob.waitForEvents(in: bobRoom, type: "m.reaction") { events in
            !events.contains { Self.relatesTo($0) == cardEvent }
        }
        let taken = try #require(reactions.first { $0["event_id"] as? String == like })
        #expect(Self.content(taken).isEmpty, "bob's reaction is redacted")

        // Ann likes Bob back by number: both hear of the match, with the other's photo and a matrix.to link.
        let bobCard = try await Self.turn(ann, "!browse", in: annRoom) { $0.contains { Self.body($0).hasPrefix("Bob, 30") } }
        #expect(bobCard.compactMap { Self.content($0)["url"] as? String } == [bobPhoto])
        let bobBefore = try await bob.events(in: bobRoom).filter { $0["sender"] as? String == Self.bot }.count
        _ = try await Self.turn(ann, "1", in: annRoom) { $0.contains { Self.body($0).hasPrefix("It's a match!") } }
        let toBob = try await bob.waitForMessages(in: bobRoom) { messages in
            messages.filter { $0["sender"] as? String == Self.bot }.dropFirst(bobBefore)
                .contains { Self.body($0).hasPrefix("It's a match!") }
        }.filter { $0["sender"] as? String == Self.bot }.dropFirst(bobBefore)
        #expect(toBob.compactMap { Self.content($0)["url"] as? String }.first == annPhoto)
        let match = toBob.map(Self.body).first { $0.hasPrefix("It's a match!") }
        #expect(match?.contains("Write to Ann: https://matrix.to/#/@ann:localhost") == true, "\(match ?? "no match")")
        try await testbed.stop()
    }

    /// Goes through the profile wizard, ending with an uploaded photo; returns its mxc URL.
    static func fillProfile(_ person: MatrixPerson, in room: String, name: String, age: Int, gender: String, seeking: String)
        async throws -> String
    {
        _ = try await turn(person, "!start", in: room) { $0.contains { Self.body($0) == "What's your name?" } }
        _ = try await turn(person, name, in: room) { $0.contains { Self.body($0) == "How old are you?" } }
        _ = try await turn(person, "\(age)", in: room) { $0.contains { Self.body($0).hasPrefix("Who are you?") } }
        _ = try await turn(person, gender, in: room) { $0.contains { Self.body($0).hasPrefix("Who would you like to meet?") } }
        _ = try await turn(person, seeking, in: room) { $0.contains { Self.body($0) == "Which city do you live in?" } }
        _ = try await turn(person, "Lisbon", in: room) { !$0.isEmpty }
        _ = try await turn(person, "About \(name).", in: room) { !$0.isEmpty }
        let upload = try await person.upload(png, contentType: "image/png", fileName: "\(name).png")
        let content: [String: Any] = [
            "msgtype": "m.image", "body": "\(name).png", "url": upload, "info": ["mimetype": "image/png"],
        ]
        _ = try await turn(person, content, in: room) { $0.contains { Self.body($0).hasPrefix("Your profile is ready!") } }
        return upload
    }

    /// Says `text` and returns the bot's messages after it once `done` holds for them.
    static func turn(
        _ person: MatrixPerson,
        _ text: String,
        in room: String,
        until done: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        try await turn(person, ["msgtype": "m.text", "body": text], in: room, until: done)
    }

    /// Sends `content` and returns the bot's messages after it once `done` holds for them.
    static func turn(
        _ person: MatrixPerson,
        _ content: [String: Any],
        in room: String,
        until done: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        let before = try await person.events(in: room).filter { $0["sender"] as? String == bot }.count
        try await person.send(content, in: room, txn: UUID().uuidString)
        let fromBot = { (messages: [[String: Any]]) in
            Array(messages.filter { $0["sender"] as? String == bot }.dropFirst(before))
        }
        return fromBot(try await person.waitForMessages(in: room) { done(fromBot($0)) })
    }

    static func content(_ event: [String: Any]) -> [String: Any] { event["content"] as? [String: Any] ?? [:] }

    static func body(_ event: [String: Any]) -> String { content(event)["body"] as? String ?? "" }

    /// The event a reaction is about; `nil` once it is redacted (its content is gone).
    static func relatesTo(_ event: [String: Any]) -> String? {
        (content(event)["m.relates_to"] as? [String: Any])?["event_id"] as? String
    }
}

/// Reaction keys people press.
enum MatrixTestKeys {
    static let one = "1\u{FE0F}\u{20E3}"
}
