/// A step in a key path: a mapping key or a list index.
enum PathComponent: Sendable, Hashable {
    /// A mapping key (`telegram`).
    case key(String)
    /// A list index (`[1]`).
    case index(Int)

    /// The path as manifests' errors show it: `telegram.poll_timeout`, `plugins[1].replies`.
    static func format(_ path: [PathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// A coding key for any path component, so `codingPath` can be built from a ``PathComponent`` list.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    /// A mapping key.
    init(stringValue: String) {
        self.stringValue = stringValue
    }

    /// A list index.
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
