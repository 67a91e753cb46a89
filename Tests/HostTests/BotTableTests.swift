import PropertyBased
import Testing
import Tenant
@testable import Host

/// The supervisor's one table of bots: manifests, runs and states change together, and a run
/// that is no longer a bot's current one cannot change what the table says of the bot.
@Suite("Bot table", .timeLimit(.minutes(1)))
struct BotTableTests {
    /// An operation on the table: a bot (one of three) starts a new run, reports a state from
    /// one of its runs, or is removed.
    enum Operation: Sendable {
        case start(bot: Int)
        case report(bot: Int, runsBack: Int, state: TenantState)
        case remove(bot: Int)
    }

    static let manifests: [BotManifest] = (0..<3).map { index in
        let yaml = "id: bot\(index)\nplatform: sandbox\nplugins: [echo]\n"
        guard case .success(let bot) = ManifestLoader(registry: .builtIn(), environment: [:])
            .validate(yaml: yaml, fileName: "/bots.d/bot\(index).yaml")
        else { preconditionFailure("the test manifest is valid") }
        return bot.manifest
    }

    /// The operation a generated (kind, bot, runs back) triple stands for.
    static func operation(_ kind: Int, _ bot: Int, _ runsBack: Int) -> Operation {
        switch kind {
        case 0...2: .start(bot: bot)
        case 3: .remove(bot: bot)
        default:
            .report(
                bot: bot, runsBack: runsBack,
                state: [.starting, .running, .stopping, .stopped, .failed("boom")][(kind + runsBack) % 5])
        }
    }

    @Test("only a bot's current run changes its state; a removed bot stays removed, whatever its old runs report")
    func currentRunOnly() async {
        let input = zip(Gen.int(in: 0...8), Gen.int(in: 0...2), Gen.int(in: 0...2)).array(of: 1...40)
        await propertyCheck(count: 300, input: input) { triples in
            let operations = triples.map { Self.operation($0.0, $0.1, $0.2) }
            let table = BotTable()
            // The model: each bot's runs so far, and what the table should say of it.
            var runs: [Int: [Int]] = [:]
            var expected: [String: TenantState] = [:]
            for operation in operations {
                switch operation {
                case .start(let bot):
                    let run = table.newRun()
                    runs[bot, default: []].append(run)
                    table.set(.init(manifest: Self.manifests[bot], state: .starting, run: run))
                    expected["bot\(bot)"] = .starting
                case .report(let bot, let runsBack, let state):
                    guard let botRuns = runs[bot], runsBack < botRuns.count else { continue }
                    let run = botRuns[botRuns.count - 1 - runsBack]
                    table.setState("bot\(bot)", to: state, run: run)
                    if runsBack == 0, expected["bot\(bot)"] != nil { expected["bot\(bot)"] = state }
                case .remove(let bot):
                    table.remove("bot\(bot)")
                    expected["bot\(bot)"] = nil
                }
                #expect(table.snapshot == expected)
                #expect(table.all.map(\.manifest.id) == expected.keys.sorted())
            }
        }
    }

    @Test("a waiter wakes when the states it waits for are reached")
    func waitWakes() async {
        let table = BotTable()
        let run = table.newRun()
        table.set(.init(manifest: Self.manifests[0], state: .starting, run: run))
        async let running = table.wait { $0["bot0"] == .running }
        table.setState("bot0", to: .running, run: run + 1)
        table.setState("bot0", to: .running, run: run)
        #expect(await running["bot0"] == .running)
    }
}
