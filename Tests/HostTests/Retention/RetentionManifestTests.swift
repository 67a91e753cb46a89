import Foundation
@testable import Host
import Storage
import Testing

/// The manifest's `retention:` block: defaults, values, and errors that name the field.
@Suite("Manifest retention")
struct RetentionManifestTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    static func manifest(_ retention: String) -> String {
        "token: \(ManifestTokens.first)\nplugins: [echo]\n" + retention
    }

    @Test("no retention block: 30 days of updates and replies, 90 of dead letters")
    func defaults() throws {
        let bot = try folder.load("bot.yaml", Self.manifest("")).get()
        #expect(bot.manifest.retention == RetentionPolicy())
        #expect(RetentionPolicy().deadLetters == .seconds(90 * 86_400))
    }

    @Test("hours, days and weeks are read; a changed retention is a changed manifest")
    func values() throws {
        let bot = try folder.load(
            "bot.yaml",
            Self.manifest("retention: {updates: 3d, outbox: 12h, dead_letters: 4w}\n")
        ).get()
        #expect(
            bot.manifest.retention
                == RetentionPolicy(
                    updates: .seconds(3 * 86_400),
                    outbox: .seconds(12 * 3_600),
                    deadLetters: .seconds(28 * 86_400)
                )
        )
        let other = try folder.load("bot.yaml", Self.manifest("retention: {updates: 4d}\n")).get()
        #expect(bot.manifest != other.manifest)
        #expect(ManifestView(bot.manifest).retention.deadLetters == "4w")
    }

    @Test("each bad duration is an error naming its field and line; all are reported at once")
    func errors() throws {
        let errors = try folder.errors(
            Self.manifest("retention:\n  updates: 1d\n  outbox: 30 days\n  dead_letters: 0h\n  keep: 1d\n")
        )
        #expect(errors.count == 4, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("bot.yaml:4: retention.updates: 1d is shorter than 2d") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("bot.yaml:5: retention.outbox: '30 days' not a duration") }, "\(errors)")
        #expect(
            errors.contains { $0.hasPrefix("bot.yaml:6: retention.dead_letters: '0h' must be longer") },
            "\(errors)"
        )
        #expect(errors.contains { $0.contains("retention.keep") }, "\(errors)")
        let long = try folder.errors(Self.manifest("retention: {outbox: 3651d}\n"))
        #expect(long == ["bot.yaml:3: retention.outbox: '3651d' is longer than 3650 days; write at most 3650d"])
    }
}
