import Foundation
import PropertyBased
import Tenant
import Testing
@testable import Plugins

/// Whatever `attempts` and `timeout` a manifest gives a remote plugin, the settings load only
/// when a plugin that never answers holds an update at most ``RemoteLimits/callBudget`` (60 s),
/// backoff included, well inside the 120 s a bot gives an update; a refusal names the plugin
/// and the numbers.
@Suite("Remote plugin settings: hostile input", .timeLimit(.minutes(5)))
struct RemoteConfigurationHostileInputTests {
    /// One real retry schedule of `attempts` calls that all time out at `timeout`: the plugin's
    /// own backoff drawn between them.
    static func schedule(attempts: Int, timeout: Duration) -> Duration {
        var backoff = Backoff(initial: RemoteLimits.retryInitial, maximum: RemoteLimits.retryMaximum)
        var total = timeout * attempts
        for _ in 1..<attempts { total += backoff.next() }
        return total
    }

    @Test("settings load exactly when attempts × timeout plus the backoff fit 60 s, and say why when not")
    func budget() async {
        await propertyCheck(count: 400, input: Gen.int(in: -2...14), Gen.int64(in: 0...120_000)) { attempts, ms in
            var configuration = RemoteConfiguration(
                name: "plug-\(attempts)", url: "http://127.0.0.1:9100/hook", secret: String(repeating: "s", count: 16))
            configuration.attempts = attempts
            configuration.timeout = RemoteDuration(.milliseconds(ms))
            let inBounds = (1...10).contains(attempts) && (100...60_000).contains(ms)
            do {
                _ = try configuration.validated()
                #expect(inBounds)
                #expect(configuration.longestWait <= RemoteLimits.callBudget)
                // Half the 120 s a bot gives an update (`TenantConfiguration.handlingTimeout`).
                #expect(configuration.longestWait <= .seconds(60))
            } catch let error as PluginConfigurationError {
                guard inBounds else { return }
                #expect(configuration.longestWait > RemoteLimits.callBudget, "\(error)")
                #expect(error.key == "attempts")
                #expect(
                    error.message.contains("remote plugin 'plug-\(attempts)'")
                        && error.message.contains("\(attempts) × ") && error.message.contains("over the 60 s"),
                    "\(error)")
            } catch {
                Issue.record("an error of another type: \(error)")
            }
        }
    }

    @Test("no real retry schedule outlasts the longest wait the settings were checked against")
    func longestWaitBoundsTheSchedule() {
        for attempts in 1...10 {
            for timeout in [Duration.milliseconds(100), .seconds(1), .seconds(5), .seconds(60)] {
                var configuration = RemoteConfiguration(name: "a", url: "http://127.0.0.1/x", secret: "s")
                configuration.attempts = attempts
                configuration.timeout = RemoteDuration(timeout)
                for _ in 0..<50 {
                    let drawn = Self.schedule(attempts: attempts, timeout: timeout)
                    #expect(configuration.longestWait >= drawn, "\(attempts) × \(timeout): \(drawn)")
                }
            }
        }
    }

    @Test("a bot's remote plugins are refused together exactly when their longest waits add up over 100 s")
    func combinedWait() async {
        let plugins = zip(Gen.int(in: 1...10), Gen.int64(in: 100...60_000)).array(of: 0...6)
        await propertyCheck(count: 400, input: plugins) { settings in
            let configurations = settings.enumerated().map { index, setting in
                var configuration = RemoteConfiguration(name: "p\(index)", url: "http://127.0.0.1/x", secret: "s")
                configuration.attempts = setting.0
                configuration.timeout = RemoteDuration(.milliseconds(setting.1))
                return configuration
            }
            let total = configurations.reduce(Duration.zero) { $0 + $1.longestWait }
            let refusal = RemoteConfiguration.combinedWaitRefusal(configurations)
            #expect((refusal != nil) == (configurations.count > 1 && total > RemoteLimits.botCallBudget))
            if let refusal {
                let named = configurations.map { "'\($0.name)' \(RemoteConfiguration.seconds($0.longestWait))" }
                #expect(named.allSatisfy { refusal.contains($0) })
                #expect(refusal.contains("together hold one update for \(RemoteConfiguration.seconds(total))"))
            }
        }
    }
}
