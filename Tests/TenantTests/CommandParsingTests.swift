import Testing
import Tenant

@Suite("Command parsing")
struct CommandParsingTests {
    @Test(
        "commands, mentions and arguments",
        arguments: [
            ("/start", Command(name: "start")),
            ("/start@MyBot deep-link", Command(name: "start", mention: "MyBot", arguments: "deep-link")),
            ("/start@mybot", Command(name: "start", mention: "mybot")),
            ("/Start", Command(name: "start")),
            ("/note first line\nsecond", Command(name: "note", arguments: "first line\nsecond")),
            ("/help\nmore", Command(name: "help", arguments: "more")),
            ("/START@MYBOT  spaced  ", Command(name: "start", mention: "MYBOT", arguments: "spaced")),
        ]
    )
    func parses(text: String, expected: Command) {
        #expect(Command.parse(text, botUsername: "MyBot") == expected)
    }

    @Test("without a known username, a command addressed to any bot is taken")
    func unknownUsername() {
        #expect(
            Command.parse("/start@SomeBot x", botUsername: nil)
                == Command(name: "start", mention: "SomeBot", arguments: "x")
        )
    }

    @Test(
        "no command: other bots, bare slash, plain text",
        arguments: ["/start@OtherBot", "/", "hello /start", "start", "", "/@MyBot", "/ start", "/start@"]
    )
    func ignores(text: String) {
        #expect(Command.parse(text, botUsername: "MyBot") == nil)
    }
}
