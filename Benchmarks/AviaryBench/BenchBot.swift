import Foundation

/// One benchmark bot: its manifest id, token and Telegram user id.
struct BenchBot: Sendable {
    var id: String
    var token: String
    var userID: Int64
    /// Its manifest's `plugins` list, in YAML flow style.
    var plugins: String

    /// Bot number `index`, with a token only it has, serving `plugins` (the built-in echo unless
    /// a scenario says otherwise; the peer always echoes).
    init(index: Int, plugins: String = "[echo]") {
        id = String(format: "bench-%05d", index)
        token = "\(700_000 + index):" + String(repeating: "k", count: 35)
        userID = Int64(700_000 + index)
        self.plugins = plugins
    }

    /// Its username on the fake Bot API.
    var username: String { id.replacingOccurrences(of: "-", with: "_") + "_bot" }

    /// A bot of ``plugins`` (an echo) talking to the fake at `apiURL`, with limits high enough
    /// never to be what a benchmark measures.
    func manifest(apiURL: URL, webhook: Bool, pollTimeout: Int = 25) -> String {
        """
        id: \(id)
        name: \(id)
        token: "\(token)"
        telegram:
          api_url: \(apiURL.absoluteString)
          poll_timeout: \(pollTimeout)
          mode: \(webhook ? "webhook" : "polling")
        delivery:
          private_chat_per_second: 10000
          group_per_minute: 100000
          bot_per_second: 100000
        plugins: \(plugins)
        """
    }
}

/// A benchmark could not run; the message says why.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
