import Foundation
import Yams

extension ManifestValidation {
    /// Refuses what a brand's text may not ask of the host: a database file of its choosing
    /// (it could name another brand's) and any setting naming a host environment variable or
    /// file (`api_key_env`, `api_key_file`, …), which a plugin would read and send elsewhere;
    /// and a server of its choosing (``refuseServerChoices()``).
    mutating func refuseHostReferences() {
        guard source.isBrand else { return }
        if root.mapping?["database"] != nil {
            fail(
                line(of: "database"),
                "database",
                "brand callers cannot choose the database file; remove database: (the bot uses <id>.sqlite)"
            )
        }
        refuseServerChoices()
        guard let plugins = root.mapping?["plugins"] else { return }
        var found: [(path: String, line: Int?)] = []
        Self.collectHostReferences(plugins, path: "plugins", into: &found)
        for reference in found {
            fail(
                reference.line,
                reference.path,
                "brand callers cannot name the host's environment variables or files; "
                    + "write the value itself, or ask the host's admin"
            )
        }
    }

    /// Refuses a Bot API server other than Telegram's and any homeserver address: the host
    /// calls them with secrets (the bot's token; the application service's token, which acts
    /// for every Matrix bot of every brand), and from inside the host's network, so a brand
    /// could otherwise read another brand's messages or reach the host's private services.
    private mutating func refuseServerChoices() {
        if let node = root.mapping?["telegram"]?.mapping?["api_url"],
            node.string.flatMap(URL.init(string:)).map(brandBotAPIServers.allows) != true
        {
            fail(
                node.line,
                "telegram.api_url",
                "brand callers may name only these Bot API servers: \(brandBotAPIServers.names); "
                    + "remove api_url, or ask the host's admin to list the server (telegram.brand_api_urls)"
            )
        }
        refuseModelEndpoints()
        if let node = root.mapping?["matrix"]?.mapping?["homeserver_url"] {
            fail(
                node.line,
                "matrix.homeserver_url",
                "brand callers cannot choose the homeserver: the host's application service token goes "
                    + "to the host config's homeserver only; remove homeserver_url"
            )
        }
    }

    /// Refuses a companion `base_url` (an http(s) model endpoint the host POSTs to) outside the
    /// brand's hosts (`remote_plugins.brands.<brand>`); `offline` calls nothing.
    private mutating func refuseModelEndpoints() {
        let brand = root.mapping?["brand"]?.string
        for (index, entry) in (root.mapping?["plugins"]?.sequence ?? []).enumerated() {
            guard let node = entry.mapping?["companion"]?.mapping?["base_url"], let text = node.string,
                let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
                ["http", "https"].contains(url.scheme?.lowercased() ?? "")
            else { continue }
            if let refusal = remotePolicy.brandRefusal(of: url, brand: brand, writtenByBrand: true, calling: "a model") {
                fail(node.line, "plugins[\(index)].companion.base_url", refusal)
            }
        }
    }

    /// Every key under `node` ending in `_env` or `_file`, with its path and line.
    private static func collectHostReferences(
        _ node: Node,
        path: String,
        into found: inout [(path: String, line: Int?)]
    ) {
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                let name = key.string ?? ""
                let keyPath = "\(path).\(name)"
                if name.hasSuffix("_env") || name.hasSuffix("_file") {
                    found.append((keyPath, key.line))
                }
                collectHostReferences(value, path: keyPath, into: &found)
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                collectHostReferences(item, path: "\(path)[\(index)]", into: &found)
            }
        case .scalar, .alias:
            break
        }
    }
}
