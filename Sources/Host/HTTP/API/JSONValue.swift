import Yams

/// Any JSON value; plugin settings are shown through it.
enum JSONValue: Encodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// Setting names whose values are masked: they may hold credentials.
    static let secretKeyParts = ["token", "secret", "password", "api_key", "apikey", "key"]

    /// A YAML node as written, with the values of credential-like keys masked as `***`, and each
    /// scalar that `shown` holds replaced by its text there (a manifest's `${…}`, expanded and
    /// redacted: ``BotManifest/PluginSpec/shownScalars``).
    init(_ node: Node, shown: [String: String] = [:]) {
        switch node {
        case .scalar(let scalar):
            if let text = shown[scalar.string] {
                self = .string(text)
                return
            }
            if scalar.style == .plain || scalar.style == .any {
                if let bool = node.bool { self = .bool(bool); return }
                if let int = node.int { self = .number(Double(int)); return }
                if let float = node.float, !scalar.string.isEmpty, scalar.string.first != "." { self = .number(float); return }
                if node.null != nil { self = .null; return }
            }
            self = .string(scalar.string)
        case .sequence(let sequence):
            self = .array(sequence.map { JSONValue($0, shown: shown) })
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                let name = key.string ?? "\(key)"
                let lowered = name.lowercased()
                let isSecret = Self.secretKeyParts.contains { lowered == $0 || lowered.hasSuffix("_" + $0) }
                object[name] = isSecret ? .string("***") : JSONValue(value, shown: shown)
            }
            self = .object(object)
        case .alias:
            self = .null
        }
    }
}
