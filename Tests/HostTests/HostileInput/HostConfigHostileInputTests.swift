import Foundation
@testable import Host
import PropertyBased
import Testing

/// The host config (`--config aviary.yaml`) as hostile input: each test is a class of input with
/// many generated members.
@Suite("Host config hostile input", .timeLimit(.minutes(5)))
struct HostConfigHostileInputTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    /// Loads `text` as a host config; the error's text with the folder taken out, or nil.
    func error(loading text: String) throws -> String? {
        let path = try folder.write("aviary.yaml", text)
        do {
            _ = try HostConfig.load(path: path)
            return nil
        } catch let error as HostConfigError {
            return folder.relative(error.message)
        }
    }

    @Test("alias bombs of any depth and width, anywhere in the config, are refused at the first anchor")
    func aliasBombsAreRefused() async throws {
        let input = zip(Gen.int(in: 1...12), Gen.int(in: 2...12), Gen.int(in: 0...3))
        await propertyCheck(count: 100, input: input) { depth, width, padding in
            var lines =
                Array(repeating: "# comment", count: padding) + ["api:", "  brand_tokens:", "    l0: &l0 \"x\""]
            for level in 1...depth {
                lines.append(
                    "    l\(level): &l\(level) ["
                        + Array(repeating: "*l\(level - 1)", count: width).joined(separator: ",") + "]"
                )
            }
            let message = try error(loading: lines.joined(separator: "\n"))
            #expect(
                message
                    == "aviary.yaml:\(padding + 3): YAML aliases are not allowed in the host config, "
                    + "nor anchors (&name) "
                    + "for them; write each value out in full"
            )
        }
    }

    @Test("a config over 64 KiB, 5,000 values or 16 levels is refused with the limit")
    func oversizedConfigsAreRefused() throws {
        let big = "api:\n  admin_token_file: \"" + String(repeating: "a", count: 64 << 10) + "\"\n"
        #expect(try error(loading: big)?.hasPrefix("aviary.yaml: the document has") == true)
        #expect(try error(loading: big)?.contains("at most 65536 bytes (64 KiB)") == true)
        let deep = "api: " + String(repeating: "[", count: 20) + String(repeating: "]", count: 20) + "\n"
        #expect(
            try error(loading: deep)
                == "aviary.yaml:1: lists and mappings nest more than 16 levels deep; "
                + "the host config may nest at most 16"
        )
        let wide = "api:\n  brand_tokens:\n" + (0..<2_600).map { "    b\($0): x" }.joined(separator: "\n") + "\n"
        #expect(try error(loading: wide)?.contains("the host config may have at most 5000") == true)
    }

    /// Pieces of YAML syntax, in any order.
    static let syntax = Gen.element(of: [
        "api:", "\n", "  ", "brand_tokens:", "admin_token_file:", "failed_auth_per_minute:", " -1", " 0",
        " 99999999999999999999",
        "[", "]", "{", "}", ",", "&a ", "*a", "'", "\"", "|", "# c", "- ", "? ", "---\n", "\u{0}", "é", "~",
    ]).compactMap { $0 }.array(of: 0...40).map { $0.joined() }

    @Test("garbage and random syntax give an error or a config, never a crash")
    func garbageGivesErrors() async throws {
        await propertyCheck(count: 300, input: Self.syntax) { text in
            if let message = try error(loading: text) {
                #expect(message.hasPrefix("aviary.yaml"), "\(message)")
            }
        }
    }

    @Test("every number of the storage section outside its range is refused naming the key and the range")
    func storageNumbersChecked() async throws {
        let keys: [(key: String, range: ClosedRange<Int>)] = [
            ("max_open_databases", 1...100_000), ("idle_close_seconds", 1...86_400),
        ]
        await propertyCheck(count: 300, input: zip(Gen.int(in: 0...1), Gen.int(in: -200_000...200_000))) { pick, value in
            let (key, range) = keys[pick]
            let message = try error(loading: "storage:\n  \(key): \(value)\n")
            if range.contains(value) {
                #expect(message == nil, "\(key): \(value)")
            } else {
                #expect(
                    message == "aviary.yaml:2: storage.\(key): \(value) is out of range; "
                        + "use \(range.lowerBound) to \(range.upperBound)")
            }
        }
    }

    /// Every key the host config knows, by section.
    static let knownKeys: [(section: String, keys: [String])] = [
        ("api", ["admin_token_file", "brand_tokens", "brand_names", "failed_auth_per_minute"]),
        ("http", ["trusted_proxies", "idle_timeout_seconds", "request_timeout_seconds", "max_connections"]),
        ("storage", ["max_open_databases", "idle_close_seconds"]),
    ]

    @Test("a misspelt key anywhere is refused with its file, line and path, and a suggestion when one is close")
    func unknownKeysAreLocated() async throws {
        let sections = Gen.int(in: 0...2)
        let edits = zip(Gen.int(in: 0...3), Gen.int(in: 0...40), Gen.element(of: Array("abcxyz_")).compactMap { $0 })
        let input = zip(sections, Gen.int(in: 0...3), edits, Gen.int(in: 0...3))
        await propertyCheck(count: 300, input: input) { section, pick, edit, padding in
            let (name, keys) = Self.knownKeys[section]
            let key = keys[pick % keys.count]
            var characters = Array(key)
            let (kind, position, letter) = edit
            let at = position % characters.count
            switch kind {
            case 0: characters.remove(at: at)
            case 1: characters.insert(letter, at: at)
            case 2: characters[at] = letter
            default: characters.swapAt(at, (at + 1) % characters.count)
            }
            let typo = String(characters)
            guard !Self.knownKeys.flatMap(\.keys).contains(typo) else { return }
            let text = String(repeating: "# note\n", count: padding) + "\(name):\n  \(typo): 1\n"
            let message = try #require(try error(loading: text), "\(typo) was accepted")
            #expect(message.hasPrefix("aviary.yaml:\(padding + 2): \(name).\(typo): unknown key"), "\(message)")
            if kind != 3 {
                #expect(message.contains("; did you mean '"), "\(message)")
            }
        }
    }

    @Test("unknown sections, and display names of brands without a token, are refused; every error at once")
    func unknownSectionsAndNames() throws {
        let text = """
            api:
              brand_tokens:
                han: \(String(repeating: "a", count: 64))
              brand_names:
                hann: Han operators
            storag:
              max_open_databases: 5
            """
        let message = try #require(try error(loading: text))
        #expect(
            message == """
                aviary.yaml:5: api.brand_names.hann: no brand token 'hann' to name; did you mean 'han'?
                aviary.yaml:6: storag: unknown key; did you mean 'storage'?
                """)
    }

    @Test("telegram.brand_api_urls takes http(s) servers only; any other entry is refused, naming the key")
    func brandBotAPIServers() async throws {
        let bad = Gen.element(of: [
            "ftp://x", "127.0.0.1:8081", "http://", "http://user@127.0.0.1", "https://a.example/?q=1",
            "https://a.example/#f", "", "javascript:alert(1)", "file:///etc/passwd",
        ]).map { $0! }
        await propertyCheck(count: 60, input: bad, Gen.int(in: 0...3)) { entry, position in
            var entries = ["http://127.0.0.1:8081", "https://bots.example"]
            entries.insert(entry, at: min(position, entries.count))
            let list = entries.map { "'\($0)'" }.joined(separator: ", ")
            let message = try error(loading: "telegram:\n  brand_api_urls: [\(list)]\n")
            #expect(message?.contains("telegram.brand_api_urls: '\(entry)' is not an http(s) address") == true, "\(message ?? "")")
        }
        let path = try folder.write("good.yaml", "telegram:\n  brand_api_urls: [http://127.0.0.1:8081]\n")
        #expect(try HostConfig.load(path: path).brandBotAPIServers.listed == [URL(string: "http://127.0.0.1:8081")!])
    }
}
