import Foundation
import Testing
import Plugins
import Tenant

@Suite("Dating: profile wizard", .timeLimit(.minutes(5)))
struct DatingWizardTests {

    @Test("/start asks each question in turn and the photo finishes the profile")
    func wizardInOrder() async throws {
        let harness = try await DatingFixture.harness()
        let bob = DatingFixture.bob
        func answer(_ update: Update) async throws -> [String] {
            try await harness.handle(update).sentTexts
        }
        #expect(try await answer(DatingFixture.says("/start", from: bob)) == [
            "Hi! Let's make your dating profile: seven short questions.", "What's your name?",
        ])
        #expect(try await answer(DatingFixture.says("  Bob   Marley ", from: bob)) == ["How old are you?"])
        let gender = try await harness.handle(DatingFixture.says("30", from: bob))
        #expect(gender.sentTexts == ["Who are you?"])
        #expect(gender.callbackData == ["dt:g:m", "dt:g:f"])
        let seeking = try await harness.handle(DatingFixture.presses("dt:g:m", from: bob))
        #expect(seeking.sentTexts == ["Who would you like to meet?"])
        #expect(seeking.callbackData == ["dt:s:m", "dt:s:f", "dt:s:a"])
        #expect(seeking.callbackNotice == .some(nil), "the press is answered")
        #expect(try await answer(DatingFixture.presses("dt:s:f", from: bob)) == ["Which city do you live in?"])
        #expect(try await answer(DatingFixture.says("Lisbon", from: bob)) == [
            "Write a few words about yourself (up to 300 characters).",
        ])
        #expect(try await answer(DatingFixture.says("Surfing and coffee.", from: bob)) == ["Send a photo of yourself."])
        let done = try await harness.handle(DatingFixture.says(nil, from: bob, photo: "AgAD-bob"))
        #expect(done.sentTexts == [
            "Your profile is ready! Press the button to meet people, or send /profile to see it.",
        ])
        #expect(done.callbackData == ["dt:n"])

        let profile = try #require(try await DatingFixture.storedAnswers(harness, bob.id))
        #expect(profile == ["Bob Marley", "30", "m", "f", "Lisbon", "lisbon", "Surfing and coffee.", "AgAD-bob", "1"])
    }

    @Test("a wrong answer is explained and the same question asked again", arguments: [
        (step: 1, input: "", expected: "A name is 1 to 40 characters with at least one letter. What's your name?"),
        (step: 1, input: "12345", expected: "A name is 1 to 40 characters with at least one letter. What's your name?"),
        (step: 1, input: String(repeating: "a", count: 41),
         expected: "A name is 1 to 40 characters with at least one letter. What's your name?"),
        (step: 2, input: "thirty", expected: "Please send your age as a number, for example 27."),
        (step: 2, input: "-5", expected: "Please send your age as a number, for example 27."),
        (step: 2, input: "130", expected: "Please send your age as a number, for example 27."),
        (step: 2, input: "17", expected: "Sorry, this bot is only for people aged 18 and older. If you mistyped, send your age again."),
        (step: 3, input: "man", expected: "Please choose with the buttons below."),
        (step: 5, input: "X", expected: "A city is 2 to 50 characters with letters. Which city do you live in?"),
        (step: 6, input: String(repeating: "b", count: 301),
         expected: "Please write some text, at most 300 characters (that was 301)."),
        (step: 7, input: "here is my photo", expected: "Please send a photo, as a picture rather than a file."),
    ])
    func reasks(step: Int, input: String, expected: String) async throws {
        let harness = try await DatingFixture.harness()
        let bob = DatingFixture.bob
        let answers: [Update] = [
            DatingFixture.says("/start", from: bob), DatingFixture.says("Bob", from: bob),
            DatingFixture.says("30", from: bob), DatingFixture.presses("dt:g:m", from: bob),
            DatingFixture.presses("dt:s:f", from: bob), DatingFixture.says("Lisbon", from: bob),
            DatingFixture.says("Bio", from: bob),
        ]
        for update in answers.prefix(step) { _ = try await harness.handle(update) }
        let before = try await DatingFixture.storedAnswers(harness, bob.id)

        let outcome = try await harness.handle(DatingFixture.says(input, from: bob))
        #expect(outcome.disposition == .handled)
        #expect(outcome.sentTexts == [expected])
        if step == 3 { #expect(outcome.callbackData == ["dt:g:m", "dt:g:f"], "the buttons come again") }
        #expect(try await DatingFixture.storedAnswers(harness, bob.id) == before, "nothing was stored")
        // The question is still pending: a good answer moves on.
        let good = [1: "Bob", 2: "30", 5: "Lisbon", 6: "Bio"][step]
        if let good {
            #expect(try await harness.handle(DatingFixture.says(good, from: bob)).sentTexts.count == 1)
            #expect(try await DatingFixture.storedAnswers(harness, bob.id) != before)
        }
    }

    @Test("a raised min_age is enforced; the wizard never stores a younger age")
    func raisedMinimumAge() async throws {
        let harness = try await DatingFixture.harness(#"{ "min_age": 21 }"#)
        _ = try await harness.handle(DatingFixture.says("/start", from: DatingFixture.bob))
        _ = try await harness.handle(DatingFixture.says("Bob", from: DatingFixture.bob))
        let refused = try await harness.handle(DatingFixture.says("20", from: DatingFixture.bob))
        #expect(refused.sentTexts == [
            "Sorry, this bot is only for people aged 21 and older. If you mistyped, send your age again.",
        ])
        #expect(try await DatingFixture.storedAnswers(harness, DatingFixture.bob.id)?[1] == "")
        #expect(try await harness.handle(DatingFixture.says("21", from: DatingFixture.bob)).sentTexts == ["Who are you?"])
    }

    @Test("a choice button for a question not pending only answers the press")
    func staleChoice() async throws {
        let harness = try await DatingFixture.harness()
        _ = try await harness.handle(DatingFixture.says("/start", from: DatingFixture.bob))
        let outcome = try await harness.handle(DatingFixture.presses("dt:g:f", from: DatingFixture.bob))
        #expect(outcome.sentTexts.isEmpty)
        #expect(outcome.callbackNotice == .some("This card is out of date."))
        #expect(try await DatingFixture.storedAnswers(harness, DatingFixture.bob.id)?[2] == "")
    }

    @Test("/start and /browse in the middle of the wizard ask the pending question again")
    func resumes() async throws {
        let harness = try await DatingFixture.harness()
        _ = try await harness.handle(DatingFixture.says("/start", from: DatingFixture.bob))
        _ = try await harness.handle(DatingFixture.says("Bob", from: DatingFixture.bob))
        #expect(try await harness.handle(DatingFixture.says("/start", from: DatingFixture.bob)).sentTexts == ["How old are you?"])
        #expect(try await harness.handle(DatingFixture.says("/browse", from: DatingFixture.bob)).sentTexts == [
            "Let's finish your profile first.", "How old are you?",
        ])
    }

    @Test("texts follow the reader's language; groups, other commands and strangers' texts pass")
    func languagesAndPassing() async throws {
        let harness = try await DatingFixture.harness()
        let olga = DatingFixture.person(2002, "Olga", language: "ru")
        #expect(try await harness.handle(DatingFixture.says("/start", from: olga)).sentTexts == [
            "Привет! Давайте заполним анкету: семь коротких вопросов.", "Как вас зовут?",
        ])
        for update in [
            Updates.message("/start", from: DatingFixture.bob, in: .group), DatingFixture.says("/help", from: DatingFixture.bob),
            DatingFixture.says("hello", from: DatingFixture.bob), DatingFixture.says("/moderation", from: DatingFixture.bob),
            DatingFixture.presses("r:menu", from: DatingFixture.bob),
        ] {
            let outcome = try await harness.handle(update)
            #expect(outcome.disposition == .passed)
            #expect(outcome.actions.isEmpty)
        }
    }
}
