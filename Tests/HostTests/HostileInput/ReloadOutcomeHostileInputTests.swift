import Foundation
import PropertyBased
import Testing
@testable import Host

/// What `aviary reload` reads and parses: the host's outcome file and the top-level arguments.
/// Whatever the file holds, reading it ends in an outcome or an error naming the file, never
/// quoting its bytes; whatever flag the top level gets, it is an error, not a run.
@Suite("aviary reload's outcome file and the top-level arguments: hostile input", .timeLimit(.minutes(2)))
struct ReloadOutcomeHostileInputTests {
    static let path = "data/last-reload.json"

    static var sample: ReloadOutcome {
        var report = ReloadReport()
        report.started = ["beta"]
        report.restarted = ["gamma"]
        report.changes = ["gamma": [#"name: "a" → "b""#]]
        report.keptLastGood = ["alpha"]
        report.errors = ["bots.d/alpha.yaml:7: plugns: unknown key; did you mean 'plugins'?"]
        return ReloadOutcome(report, began: Date(timeIntervalSince1970: 1_800_000_000))
    }

    /// Decodes `data`, answering whether it was refused with an error that names the file and
    /// quotes no more than the file's path.
    static func refusedCleanly(_ data: Data) -> Bool? {
        do {
            _ = try ReloadOutcomeFile.decode(data, path: path)
            return nil
        } catch {
            let text = "\(error)"
            return text.contains(path) && !text.contains("MARK")
        }
    }

    @Test("any bytes are an outcome or an error naming the file")
    func anyBytes() async {
        await propertyCheck(count: 300, input: Gen.uint8().array(of: 0...512)) { bytes in
            let data = Data(Array("MARK".utf8) + bytes)
            #expect(Self.refusedCleanly(data) == true)
        }
    }

    @Test("a real outcome cut anywhere, or with a byte changed, is refused or still an outcome")
    func mutatedOutcomes() async throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let whole = try encoder.encode(Self.sample)
        #expect(try ReloadOutcomeFile.decode(whole, path: Self.path) == Self.sample)
        await propertyCheck(count: 300, input: Gen.int(in: 0...(whole.count - 1)), Gen.uint8()) { cut, byte in
            #expect(Self.refusedCleanly(whole.prefix(cut)) == true)
            var changed = whole
            changed[cut] = byte
            if let refused = Self.refusedCleanly(changed) { #expect(refused) }
        }
    }

    @Test("a file over 4 MiB is refused by its size, unread")
    func oversized() {
        let data = Data(repeating: 0x20, count: ReloadOutcomeFile.maximumBytes + 1)
        #expect(throws: HostError.self) { try ReloadOutcomeFile.decode(data, path: Self.path) }
    }

    @Test("any flag `aviary run` does not know, given at the top level, is a usage error of the top level")
    func unknownTopLevelFlags() async {
        let known: Set = ["bots-dir", "data-dir", "http-host", "http-port", "public-url", "config", "trusted-proxy",
            "log-level", "log-format", "shutdown-timeout", "flush-timeout", "help", "version"]
        let names = Gen.lowercaseLetter.string(of: 1...12).filter { !known.contains($0) }
        await propertyCheck(count: 200, input: names, Gen.bool) { name, short in
            let flag = short ? "-" + String(name.prefix(1)) : "--" + name
            guard flag != "-h" else { return }
            let refusal = Aviary.topLevelRefusal(of: [flag])
            #expect(refusal?.status == 64, "\(flag)")
            #expect(refusal?.text.contains("Unknown option") == true, "\(flag)")
            #expect(refusal?.text.contains("SUBCOMMANDS") == true, "\(flag)")
        }
        #expect(Aviary.topLevelRefusal(of: ["reload", "--bogus"]) == nil, "a subcommand's own usage answers")
        #expect(Aviary.topLevelRefusal(of: ["--data-dir", "x"]) == nil, "run's own flags still imply run")
    }

    @Test("the outcome prints its summary, each group of bots, each restarted bot's changes and every error")
    func lines() {
        #expect(
            Self.sample.lines == [
                "reload: 1 started (beta), 1 restarted (gamma), 1 kept last good (alpha); 0 unchanged; "
                    + "1 manifest error(s)",
                "started: beta", "restarted: gamma", "kept last good: alpha", #"  gamma: name: "a" → "b""#,
                "error: bots.d/alpha.yaml:7: plugns: unknown key; did you mean 'plugins'?",
            ])
    }
}
