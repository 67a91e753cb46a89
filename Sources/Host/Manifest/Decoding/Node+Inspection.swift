import Yams

extension Node {
    /// Whether the node is YAML null: `~`, `null` or nothing, unquoted.
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A short description for "found …" messages: `'abc'`, `a mapping`, `a list`, `nothing`.
    var summary: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The 1-based line the node starts on, when known.
    var line: Int? { mark?.line }

    /// The node at a key path such as `telegram.poll_timeout` or `buttons[0][1].reply`.
    func locate(_ path: String) -> Node? {
        var node: Node? = self
        for component in Self.components(of: path) {
            switch (component, node) {
            case (.key(let key), .mapping(let mapping)?): node = mapping[key]
            case (.index(let index), .sequence(let sequence)?): node = index < sequence.count ? sequence[index] : nil
            default: return nil
            }
        }
        return node
    }

    /// The node's meaning as text, with `${…}` expanded in values: equal for documents that differ
    /// only in comments, layout, quoting, flow or block style and mapping key order.
    func canonical(expanding interpolation: Interpolation) -> String {
        switch self {
        case .scalar(let scalar):
            if isNull { return "~" }
            return String(reflecting: (try? interpolation.expand(scalar.string)) ?? scalar.string)
        case .mapping(let mapping):
            let pairs = mapping.map {
                (String(reflecting: $0.key.string ?? ""), $0.value.canonical(expanding: interpolation))
            }
            return "{" + pairs.sorted { $0.0 < $1.0 }.map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map { $0.canonical(expanding: interpolation) }.joined(separator: ",") + "]"
        case .alias(let alias):
            return "*\(alias.anchor.rawValue)"
        }
    }

    /// Resolves every tag in the tree now, so that later reads never mutate the node.
    ///
    /// Yams resolves a node's tag lazily, the first time it is read, by writing to a shared
    /// `Tag` object; after this call every read is a pure read.
    func resolvingTags() -> Node {
        _ = tag
        switch self {
        case .mapping(let mapping):
            for (key, value) in mapping {
                _ = key.resolvingTags()
                _ = value.resolvingTags()
            }
        case .sequence(let sequence):
            for item in sequence { _ = item.resolvingTags() }
        case .scalar, .alias:
            break
        }
        return self
    }

    private static func components(of path: String) -> [PathComponent] {
        var components: [PathComponent] = []
        for part in path.split(separator: ".") {
            var rest = Substring(part)
            guard let bracket = rest.firstIndex(of: "[") else {
                components.append(.key(String(rest)))
                continue
            }
            if bracket > rest.startIndex { components.append(.key(String(rest[..<bracket]))) }
            rest = rest[bracket...]
            while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                    components.append(.index(index))
                }
                rest = rest[rest.index(after: close)...]
            }
        }
        return components
    }
}
