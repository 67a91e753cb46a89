import Foundation
import PropertyBased
import Plugins
import Tenant
import Testing

/// Whatever a person types after a slash, a `replies` plugin with `unknown_command` answers it
/// exactly once in a private chat (its listed reply, or the unknown-command text) and never in
/// a group; without `unknown_command`, an unlisted command passes as before.
@Suite("Replies commands: hostile input", .timeLimit(.minutes(5)))
struct RepliesCommandHostileInputTests {
    static let fragments = ["start", "help", "a", "_", "1", "Z", "é", "😀", "@aviary_test_bot", "@other_bot", " x", "/", "-", "\u{0}"]
    static let commands = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...12)
        .map { indices in "/" + indices.map { fragments[$0] }.joined() }

    @Test("any text after a slash: one answer in private, listed or unknown_command; groups get only listed ones")
    func anyCommand() async throws {
        let harness = try await RepliesFixture.harness(
            #"{ "commands": { "start": "Hi", "help": "Help" }, "unknown_command": "No such command" }"#)
        let plain = try await RepliesFixture.harness(#"{ "commands": { "start": "Hi", "help": "Help" } }"#)
        await propertyCheck(count: 300, input: Self.commands) { text in
            let command = Updates.message(text).message?.command
            let listed = command.flatMap { ["start": "Hi", "help": "Help"][$0.name] }
            let privately = try await harness.handle(Updates.message(text))
            switch (command, listed) {
            case (nil, _):
                #expect(privately.disposition == .passed, "\(text)")
                #expect(privately.actions.isEmpty, "\(text)")
            case (_, let listed?):
                #expect(privately.sentTexts == [listed], "\(text)")
            case (_, nil):
                #expect(privately.sentTexts == ["No such command"], "\(text)")
                #expect(try await plain.handle(Updates.message(text)).disposition == .passed, "\(text)")
            }
            let group = try await harness.handle(Updates.message(text, in: .group))
            #expect(group.sentTexts == (listed.map { [$0] } ?? []), "\(text)")
        }
    }
}
