import Foundation
@testable import Plugins
import PropertyBased
import Testing

/// The answer's JSON reader, against `JSONSerialization` as the oracle: it reads every JSON text
/// the same, accepts nothing `JSONSerialization` refuses, and refuses the two things it is
/// stricter about (a key given twice, nesting over its depth) with a clear reason.
@Suite("Remote plugin answers: the JSON reader, hostile input", .timeLimit(.minutes(5)))
struct RemoteJSONReaderHostileInputTests {
    static let numbers = [
        "0", "-0", "1", "-12", "3.25", "1e3", "-2.5E-3", "1E+2", "123456789012345678", "9007199254740993",
        "1.7976931348623157e308", "5e-324", "0.1", "-999999999999999",
    ]
    static let strings = [
        "", "hi", #"\"q\""#, #"\u00e9"#, "é", #"\ud83d\ude00"#, "😀", #"a\nb"#, #"\/"#, #"\\"#, #"\b\f\r\t"#,
        #"\u0000"#, "中文", #"\uFFFF"#,
    ]
    static let spaces = ["", " ", "\n", "\t", "\r\n  "]

    /// A JSON text built from `choices`, each number picking the next piece: values of every
    /// kind, nested up to 5 deep, with whitespace and escapes of every kind between and inside.
    static func text(_ choices: [Int]) -> String {
        var iterator = choices.makeIterator()
        func next() -> Int { iterator.next() ?? 0 }
        func space() -> String { spaces[next() % spaces.count] }
        func value(depth: Int) -> String {
            switch next() % 9 {
            case 0 where depth < 5:
                let items = (0..<next() % 4).map { _ in space() + value(depth: depth + 1) + space() }
                return "[" + items.joined(separator: ",") + "]"
            case 1 where depth < 5:
                let members = (0..<next() % 4).map { index in
                    let key = next() % 3 == 0 ? #"\u006b\#(index)"# : "k\(index)"
                    return space() + "\"\(key)\"" + space() + ":" + space() + value(depth: depth + 1) + space()
                }
                return "{" + members.joined(separator: ",") + "}"
            case 2: return numbers[next() % numbers.count]
            case 3: return "\"" + strings[next() % strings.count] + "\""
            case 4: return "true"
            case 5: return "false"
            case 6: return "null"
            default: return "\(next())"
            }
        }
        return space() + value(depth: 0) + space()
    }

    static let texts = Gen.int(in: 0...1000).array(of: 1...80).map { text($0) }

    static func same(_ json: RemoteJSON, _ other: Any) -> Bool { RemoteJSONOracle.same(json, other) }

    static func oracle(_ bytes: [UInt8]) -> Any? { RemoteJSONOracle.read(bytes) }

    @Test("generated JSON texts: read as JSONSerialization reads them; the compact text reads the same again")
    func generatedTexts() async throws {
        await propertyCheck(count: 1500, input: Self.texts) { text in
            let bytes = Array(text.utf8)
            let expected = try #require(Self.oracle(bytes), "the generator wrote no JSON: \(text)")
            let json = try RemoteJSONReader.read(bytes)
            #expect(Self.same(json, expected), "\(text)")
            let compact = json.compactText(in: bytes)
            #expect(compact.count <= bytes.count)
            #expect(
                Self.same(try RemoteJSONReader.read(compact), expected),
                "compact: \(String(decoding: compact, as: UTF8.self))"
            )
        }
    }

    @Test("corrupted texts: never a crash; what the reader accepts, JSONSerialization accepts and reads the same")
    func corruptedTexts() async {
        let alphabet = Array(#"{}[]":,.-+eE0123456789tfnrulsa\u/ "#.utf8) + [0x00, 0x0A, 0x7F, 0xC3, 0xA9, 0xFF, 0xED]
        let edits = zip(Gen.int(in: 0...1000), Gen.int(in: 0...(alphabet.count - 1)), Gen.int(in: 0...2))
            .array(of: 1...4)
        await propertyCheck(count: 3000, input: Self.texts, edits) { text, edits in
            var bytes = Array(text.utf8)
            for (position, letter, kind) in edits {
                let index = position % (bytes.count + 1)
                switch kind {
                case 0: bytes.insert(alphabet[letter], at: index)
                case 1 where index < bytes.count: bytes.remove(at: index)
                default: if index < bytes.count { bytes[index] = alphabet[letter] }
                }
            }
            guard let json = try? RemoteJSONReader.read(bytes) else { return }
            let expected = Self.oracle(bytes)
            #expect(
                expected != nil,
                "accepted what JSONSerialization refuses: \(String(decoding: bytes, as: UTF8.self))"
            )
            if let expected { #expect(Self.same(json, expected), "\(String(decoding: bytes, as: UTF8.self))") }
        }
    }

    @Test("any bytes: refused with a reason and the byte where, never a crash")
    func anyBytes() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...255).array(of: 0...200)) { values in
            let bytes = values.map(UInt8.init)
            do {
                let json = try RemoteJSONReader.read(bytes)
                #expect(Self.oracle(bytes).map { Self.same(json, $0) } == true)
            } catch let error as RemoteJSONReader.Failure {
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("an error of another type: \(error)")
            }
        }
    }

    @Test("nesting: up to 64 levels read, deeper refused by depth, whatever the mix of arrays and objects")
    func depth() async {
        await propertyCheck(count: 300, input: Gen.bool.array(of: 1...200)) { kinds in
            let open = kinds.map { $0 ? "[" : #"{"k":"# }.joined()
            let close = kinds.reversed().map { $0 ? "]" : "}" }.joined()
            let result = Result { () throws(RemoteJSONReader.Failure) in
                try RemoteJSONReader.read(Array((open + "1" + close).utf8))
            }
            switch result {
            case .success: #expect(kinds.count <= RemoteJSONReader.maximumDepth)
            case .failure(let failure):
                #expect(kinds.count > RemoteJSONReader.maximumDepth)
                #expect(failure.message.hasPrefix("nested deeper than 64 levels"))
            }
        }
    }

    @Test("a key given twice in one object is refused, naming it; the same key in two objects is not")
    func repeatedKeys() async {
        let keys = Gen.lowercaseLetter.array(of: 1...3).map { String($0) }.array(of: 1...6)
        await propertyCheck(count: 500, input: keys) { keys in
            let object = "{" + keys.enumerated().map { #""\#($1)":\#($0)"# }.joined(separator: ",") + "}"
            let twice = Set(keys).count < keys.count
            do {
                _ = try RemoteJSONReader.read(Array("[\(object),\(object)]".utf8))
                #expect(!twice, "\(object)")
            } catch let error as RemoteJSONReader.Failure {
                #expect(twice, "\(object): \(error)")
                #expect(error.message.contains("is given twice in one object"))
            } catch {
                Issue.record("an error of another type: \(error)")
            }
        }
    }

    @Test("an answer that is not JSON is refused whole, saying why and where")
    func answerRefusal() throws {
        #expect(
            throws: RemoteAnswerError(
                path: "",
                message: "the answer is not JSON: expected ',' or '}', found 'x' at byte 24"
            )
        ) {
            try RemoteAnswer(parsing: Data(#"{"disposition":"handled"x"#.utf8), now: Date())
        }
        let answer = try RemoteAnswer(
            parsing: Data(#"{"disposition":"passed","state":{"chat":{"set":{"a": [1, {"b" : "c d"}] }}}}"#.utf8),
            now: Date()
        )
        #expect(answer.chat.setValues["a"] == Data(#"[1,{"b":"c d"}]"#.utf8))
    }
}
