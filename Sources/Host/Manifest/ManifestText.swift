import Foundation
import Tenant
import Yams

/// Edits manifest text by key while keeping the operator's comments and layout: the lines of an
/// edited entry are replaced in place, the result is parsed again and compared with the edited
/// document, and only when they differ (flow style, a key sharing its line) is the edited
/// document written out afresh.
enum ManifestText {
    /// What to do with one entry of a mapping.
    enum Change {
        /// Leave it.
        case keep
        /// Write `key: value` instead (`value` as a plain or double-quoted scalar).
        case replace(key: String, value: Scalar)
        /// Remove the entry.
        case remove
    }

    /// A scalar to write.
    enum Scalar {
        /// Written as is: `true`, `false`, numbers.
        case plain(String)
        /// Written double-quoted, escaped.
        case quoted(String)

        var text: String {
            switch self {
            case .plain(let text): return text
            case .quoted(let text):
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes]
                return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            }
        }

        var node: Node {
            switch self {
            case .plain(let text): .scalar(.init(text, .implicit, .plain))
            case .quoted(let text): .scalar(.init(text, .implicit, .doubleQuoted))
            }
        }
    }

    /// `text` (whose parsed root is `root`) with `change` applied to every entry of every mapping,
    /// called with the entry's dotted key path (`plugins[0].companion.api_key`), and `appended`
    /// root entries added at the end.
    static func edit(
        _ text: String,
        root: Node,
        appending appended: [(String, Scalar)] = [],
        _ change: (_ path: String, _ value: Node) -> Change
    ) -> String {
        var lines = text.components(separatedBy: "\n")
        var replacements: [(line: Int, end: Int, text: String)] = []
        let expected = rewrite(root, path: "", change) { key, value, change in
            guard let line = key.mark?.line, let column = key.mark?.column, line <= lines.count else { return }
            let indent = String(lines[line - 1].prefix(column - 1))
            guard indent.allSatisfy({ $0 == " " }) else { return }
            // The entry runs on over deeper lines (and, for a list, `- ` items at the key's own
            // indentation); blank lines and comments after its last line are left where they are.
            var end = line
            var scanned = line
            while scanned < lines.count {
                let next = lines[scanned]
                let trimmed = next.drop { $0 == " " }
                scanned += 1
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let depth = next.count - trimmed.count
                let listItem = depth == column - 1 && trimmed.hasPrefix("-") && value.sequence != nil
                guard depth > column - 1 || listItem else { break }
                end = scanned
            }
            switch change {
            case .replace(let name, let value): replacements.append((line, end, "\(indent)\(name): \(value.text)"))
            case .remove: replacements.append((line, end, ""))
            case .keep: break
            }
        }
        var withAppended = expected
        if case .mapping(var mapping) = expected {
            for (key, value) in appended { mapping[Node.scalar(.init(key))] = value.node }
            withAppended = .mapping(mapping)
        }
        for replacement in replacements.sorted(by: { $0.line > $1.line }) {
            let replaced = replacement.text.isEmpty ? [] : [replacement.text]
            lines.replaceSubrange((replacement.line - 1)..<replacement.end, with: replaced)
        }
        if !appended.isEmpty {
            while lines.last?.isEmpty == true { lines.removeLast() }
            lines += appended.map { "\($0.0): \($0.1.text)" } + [""]
        }
        let edited = lines.joined(separator: "\n")
        let refusing = Interpolation.refusing(because: "")
        if let reparsed = try? Yams.compose(yaml: edited),
            reparsed.canonical(expanding: refusing) == withAppended.canonical(expanding: refusing)
        {
            return edited
        }
        return (try? Yams.serialize(node: withAppended)) ?? edited
    }

    /// `node` with `change` applied below it; `found` learns each changed key node.
    private static func rewrite(
        _ node: Node,
        path: String,
        _ change: (String, Node) -> Change,
        found: (Node, Node, Change) -> Void
    ) -> Node {
        switch node {
        case .mapping(let mapping):
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                let keyPath = path.isEmpty ? name : "\(path).\(name)"
                let decision = change(keyPath, value)
                switch decision {
                case .keep:
                    pairs.append((key, rewrite(value, path: keyPath, change, found: found)))
                case .replace(let newName, let scalar):
                    found(key, value, decision)
                    pairs.append((.scalar(.init(newName)), scalar.node))
                case .remove:
                    found(key, value, decision)
                }
            }
            return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            let items = sequence.enumerated().map { index, item in
                rewrite(item, path: "\(path)[\(index)]", change, found: found)
            }
            return .sequence(.init(items, sequence.tag, sequence.style, sequence.mark))
        case .scalar, .alias:
            return node
        }
    }

    /// Whether a key may hold a credential (`token`, `api_key`, `webhook_secret`, …), as the API masks them.
    static func isSecretKey(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return JSONValue.secretKeyParts.contains { lowered == $0 || lowered.hasSuffix("_" + $0) }
    }

    /// `text` with every credential-like value that is written out (not a `${…}` reference)
    /// shown masked: a Telegram token as `123456:***`, anything else as `***`.
    static func masked(_ text: String) -> String {
        guard let root = try? Yams.compose(yaml: text) else { return "" }
        return edit(text, root: root) { path, value in
            let name = String(path.split(separator: ".").last ?? "")
            guard isSecretKey(name), let scalar = value.scalar, !scalar.string.contains("${"), !value.isNull else {
                return .keep
            }
            let shown = path == "token" ? maskedToken(scalar.string) : "***"
            return .replace(key: name, value: .quoted(shown))
        }
    }
}
