import Yams

extension ManifestValidation {
    /// Refuses what a brand's text may not ask of the host: a database file of its choosing
    /// (it could name another brand's) and any setting naming a host environment variable or
    /// file (`api_key_env`, `api_key_file`, …), which a plugin would read and send elsewhere.
    mutating func refuseHostReferences() {
        guard source.isBrand else { return }
        if root.mapping?["database"] != nil {
            fail(
                line(of: "database"),
                "database",
                "brand callers cannot choose the database file; remove database: (the bot uses <id>.sqlite)"
            )
        }
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
