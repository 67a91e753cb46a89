import Testing
import Tenant

@Suite("Command parsing")
struct CommandParsingTests {
    @Test("commands, mentions and arguments", arguments: [
        ("/start", Command(name: "start")),
        ("/start@MyBot deep-link", Command(name: "start", mention: "MyBot", arguments: "deep-link")),
        ("/start@mybot", Command(name: "start", mention: "mybot")),
        ("/Start", Command(name: "start")),
        ("/note first line\nsecond", Command(name: "note", arguments: "first line\nsecond")),
    ])
    func parses(text: String, expected: Command) {
        #expect(Command.parse(text, botUsername: "MyBot") == expected)
    }

    @Test("no command: other bots, bare slash, plain text", arguments: ["/start@OtherBot", "/", "hello /start", "/@MyBot", "/ start"])
    func ignores(text: String) {
        #expect(Command.parse(text, botUsername: "MyBot") == nil)
    }
}
