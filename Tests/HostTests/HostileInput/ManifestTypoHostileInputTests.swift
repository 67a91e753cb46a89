import Foundation
import PropertyBased
import Testing
@testable import Host

/// Mistyped `plugins` keys, made by one edit (a letter dropped, doubled, swapped or changed):
/// the manifest gets exactly one error about it, located on its line with the suggestion, and no
/// unlocated "no plugins" beside it (issue #18, item 6).
@Suite("Hostile input: a mistyped plugins key", .timeLimit(.minutes(5)))
struct ManifestTypoHostileInputTests {
    static let typo = zip(Gen.int(in: 0...3), Gen.int(in: 0...6), Gen.letter)
        .map { kind, index, letter -> String in
            var word = Array("plugins")
            switch kind {
            case 0: word.remove(at: index)
            case 1: word.insert(word[index], at: index)
            case 2: word.swapAt(index, min(index + 1, word.count - 1))
            default: word[index] = Character(letter.lowercased())
            }
            return String(word)
        }

    @Test("one edit away from plugins: one located error that suggests plugins, none without a line")
    func oneEditAway() async throws {
        let folder = try ManifestFolder()
        await propertyCheck(count: 200, input: Self.typo) { key in
            guard key != "plugins" else { return }
            let errors = try folder.errors("token: \(ManifestTokens.first)\n\(key): [echo]\n")
            #expect(errors == ["bot.yaml:2: \(key): unknown key; did you mean 'plugins'?"], "\(key)")
        }
        #expect(try folder.errors("token: \(ManifestTokens.first)\n") == [
            "bot.yaml: plugins: no plugins: list the plugins to run, in order (for example: plugins: [echo])",
        ], "a manifest with no plugins at all still says so")
    }
}
