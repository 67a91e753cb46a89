import Foundation
import PropertyBased
import Testing
@testable import Host

/// The class of placeholder tokens `aviary check` warns about (``PlaceholderToken``), over
/// generated tokens: every token with a placeholder word anywhere (any case, with `_` and `-`
/// anywhere), few different characters, or six characters in order is one; tokens drawn like
/// @BotFather's (35 random characters of 64) are not; no warning quotes the token.
@Suite("Hostile input: placeholder tokens", .timeLimit(.minutes(2)))
struct PlaceholderTokenHostileInputTests {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    static let botID = Gen.int64(in: 1...9_999_999_999).map { String($0) }
    static let filler = Gen.element(of: alphabet).map { $0! }.array(of: 0...30).map { String($0) }

    /// A placeholder word, in random case, with `_` or `-` between some of its letters.
    static let word = zip(
        Gen.element(of: PlaceholderToken.words).map { $0! }, Gen.bool.array(of: 20), Gen.bool.array(of: 20)
    ).map { word, upper, dash in
        String(word.enumerated().flatMap { index, letter -> [Character] in
            let cased = upper[index % 20] ? Character(letter.uppercased()) : letter
            return dash[index % 20] && index > 0 ? ["_", cased] : [cased]
        })
    }

    @Test("a placeholder word anywhere in the secret, in any case and spelling, is a placeholder")
    func words() async {
        await propertyCheck(count: 400, input: Self.botID, Self.filler, Self.word, Self.filler) { id, before, word, after in
            let token = "\(id):\(before)\(word)\(after)"
            #expect(PlaceholderToken.reason(token) != nil, "\(token)")
        }
    }

    @Test("few different characters, or six in order, is a placeholder")
    func patterns() async {
        let few = zip(Gen.element(of: Self.alphabet).map { $0! }.array(of: 1...7), Gen.int(in: 0...1000).array(of: 35...60))
            .map { letters, picks in String(picks.map { letters[$0 % letters.count] }) }
        let run = zip(Gen.int(in: 0...20), Gen.element(of: ["abcdefghij", "ABCDEFGHIJ", "0123456789", "klmnopqr"]))
            .map { start, letters in String(letters!.prefix(6 + start % 4)) }
        await propertyCheck(count: 300, input: Self.botID, few, Self.filler, run) { id, repeated, filler, ordered in
            #expect(PlaceholderToken.reason("\(id):\(repeated)") != nil, "\(repeated)")
            #expect(PlaceholderToken.reason("\(id):\(filler)\(ordered)\(filler)") != nil, "\(ordered)")
        }
    }

    /// A token drawn the way @BotFather draws one matches a word or a pattern with odds below one in
    /// ten million, so this property does not flake in practice.
    @Test("tokens drawn like @BotFather's are not placeholders, and a warning never quotes the token")
    func realLooking() async {
        let secret = Gen.element(of: Self.alphabet).map { $0! }.array(of: 35...46).map { String($0) }
        await propertyCheck(count: 400, input: Self.botID, secret) { id, secret in
            #expect(PlaceholderToken.reason("\(id):\(secret)") == nil, "\(id):\(secret)")
            let reason = PlaceholderToken.reason("\(id):placeholder\(secret)") ?? ""
            #expect(!reason.contains(secret) && reason.contains("placeholder"))
        }
    }
}
