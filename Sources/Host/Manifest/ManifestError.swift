/// A problem in a manifest, located by file, line and key.
struct ManifestError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The manifest file.
    var file: String
    /// The 1-based line, when known.
    var line: Int?
    /// The key path (`telegram.poll_timeout`, `plugins[1].replies.commands`), when known.
    var key: String?
    /// What is wrong and what to do.
    var message: String

    /// `bots.d/han-ru.yaml:7: plugns: unknown key; did you mean 'plugins'?`
    var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key, !key.isEmpty { text += "\(key): " }
        return text + message
    }
}

/// Several manifest errors, reported together.
struct ManifestErrors: Error, CustomStringConvertible, Sendable, Equatable {
    /// The errors, in line order.
    var errors: [ManifestError]

    /// One error per line.
    var description: String { errors.map(\.description).joined(separator: "\n") }
}
