import Foundation
import PropertyBased
import Testing
@testable import Tenant

/// Hostile input to the sandbox platform: whatever people write and press, and however many of
/// them, what it keeps stays within ``SandboxLimits``.
@Suite("Hostile input: sandbox platform", .timeLimit(.minutes(5)))
struct SandboxHostileInputTests {
    @Test("people beyond the cap are refused, naming user_id and the cap; everyone admitted keeps talking")
    func peopleCap() async throws {
        await propertyCheck(count: 3, input: Gen.int64(in: SandboxLimits.userIDs).array(of: 1_050...1_200)) { ids in
            let sandbox = SandboxPlatform(botID: "crowd", displayName: "Crowd")
            var admitted = Set<Int64>()
            for id in ids {
                let person = User(id: id, firstName: "P\(id)")
                do {
                    _ = try sandbox.userWrites("hi", as: person)
                    admitted.insert(id)
                } catch let error as SandboxError {
                    #expect(error == .tooManyPeople(SandboxLimits.people))
                    #expect(error.description.contains("user_id") && error.description.contains("1000"))
                    #expect(!admitted.contains(id) && admitted.count == SandboxLimits.people)
                }
            }
            #expect(sandbox.people().count == min(Set(ids).count, SandboxLimits.people))
            for id in admitted.prefix(20) { _ = try sandbox.userWrites("again", as: User(id: id, firstName: "P")) }
        }
    }

    @Test("messages kept stay within 500 per conversation and 20,000 in all, the stalest conversation losing first")
    func messagesCap() async throws {
        let sandbox = SandboxPlatform(botID: "chatty", displayName: "Chatty")
        let people = (1...60).map { User(id: Int64($0), firstName: "P\($0)") }
        await propertyCheck(count: 1, input: Gen.int(in: 0..<60).array(of: 26_000)) { writers in
            for index in writers { _ = try sandbox.userWrites("x", as: people[index]) }
        }
        let counts = people.map { sandbox.messages(chatID: $0.id).count }
        #expect(counts.allSatisfy { $0 <= SandboxLimits.messagesPerConversation })
        #expect(counts.reduce(0, +) <= SandboxLimits.messages)
        _ = try sandbox.userWrites("still here", as: people[0])
        #expect(sandbox.messages(chatID: people[0].id).last?.text == "still here")
    }

    @Test("unanswered presses are forgotten oldest first beyond 1,000; the newest can still be answered")
    func pressesCap() async throws {
        let sandbox = SandboxPlatform(botID: "presser", displayName: "Presser")
        let eve = User(id: 5, firstName: "Eve")
        _ = try sandbox.userWrites("hi", as: eve)
        let buttons = [[InlineButton(text: "Go", action: .callback("go"))]]
        let sent = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "Menu", buttons: buttons)))
        let messageID = try #require(sent.messageID)
        var callbackIDs: [String] = []
        await propertyCheck(count: 1, input: Gen.int(in: 1_001...1_300)) { presses in
            for _ in 0..<presses {
                let press = try sandbox.userPresses("go", onMessage: messageID, as: eve)
                let update = try SandboxUpdateDecoder().decode(press.raw, botUsername: nil)
                callbackIDs.append(try #require(update.callbackQuery?.id))
            }
        }
        await #expect(throws: PlatformError.self) {
            try await sandbox.perform(.answerCallback(CallbackAnswer(chatID: 5, callbackID: callbackIDs[0], text: nil)))
        }
        let newest = try #require(callbackIDs.last)
        _ = try await sandbox.perform(.answerCallback(CallbackAnswer(chatID: 5, callbackID: newest, text: "ok")))
    }

    @Test("whatever mix of calls with and without a name or language, each person is as they last presented themselves")
    func namesKept() async throws {
        let step = zip(
            Gen.int64(in: 1...4), Gen.int(in: 0..<5).optional(valueRate: 0.4), Gen.int(in: 0..<3).optional(valueRate: 0.3))
        await propertyCheck(count: 60, input: step.array(of: 1...40)) { steps in
            let sandbox = SandboxPlatform(botID: "names", displayName: "Names")
            let names = ["Ann", "Борис", "李", "O'Neil", "🙂 Zoë"]
            let languages = ["en", "pt-BR", "ru"]
            var expected: [Int64: User] = [:]
            for (id, name, language) in steps {
                let person = SandboxPerson(id: id, firstName: name.map { names[$0] }, languageCode: language.map { languages[$0] })
                let received = try sandbox.userWrites("hi", by: person)
                let known = expected[id]
                let user = User(
                    id: id, firstName: person.firstName ?? known?.firstName ?? "User \(id)",
                    languageCode: person.languageCode ?? known?.languageCode)
                expected[id] = user
                let update = try SandboxUpdateDecoder().decode(received.raw, botUsername: nil)
                #expect(update.message?.sender == user)
            }
            #expect(sandbox.people() == expected.values.sorted { $0.id < $1.id })
        }
    }

    @Test("readers beyond 256 get what there is at once instead of waiting")
    func waitingReadersCap() async throws {
        let sandbox = SandboxPlatform(botID: "readers", displayName: "Readers")
        let eve = User(id: 5, firstName: "Eve")
        _ = try sandbox.userWrites("hi", as: eve)
        let revision = try #require(sandbox.messages(chatID: 5).last?.revision)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<(SandboxLimits.waitingReaders + 40) {
                group.addTask {
                    await sandbox.waitForMessages(chatID: 5, after: revision, timeout: .seconds(3_600)).count
                }
            }
            // The readers beyond the cap come back at once, empty-handed; then the bot's reply wakes the rest.
            for _ in 0..<40 { #expect(try await group.next() == 0) }
            _ = try await sandbox.perform(.send(OutgoingMessage(chatID: 5, text: "answer")))
            for try await count in group { #expect(count == 1) }
        }
    }
}
