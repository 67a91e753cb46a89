import Yams

/// Decodes any `Decodable` from a YAML node, so that every error carries a line and a key path
/// and every key that the type never asked for is reported.
///
/// Scalars are read as the type asks (`"30"` and `30` both decode as an `Int`), after `${VAR}`
/// expansion. Keys are matched exactly: types spell snake_case keys in their `CodingKeys`.
struct NodeDecoder: Decoder {
    /// The node being decoded.
    let node: Node
    /// Where the node is in the document.
    let path: [PathComponent]
    /// What the decoding pass records.
    let context: NodeDecodingContext

    var codingPath: [any CodingKey] {
        path.map { component in
            switch component {
            case .key(let key): AnyCodingKey(stringValue: key)
            case .index(let index): AnyCodingKey(intValue: index)
            }
        }
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch node {
        case .mapping(let mapping):
            return KeyedDecodingContainer(NodeKeyedContainer<Key>(decoder: self, mapping: mapping))
        case .scalar where node.isNull:
            return KeyedDecodingContainer(NodeKeyedContainer<Key>(decoder: self, mapping: Node.Mapping([])))
        default:
            throw mismatch("a mapping")
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch node {
        case .sequence(let sequence): return NodeUnkeyedContainer(decoder: self, items: Array(sequence))
        case .scalar where node.isNull: return NodeUnkeyedContainer(decoder: self, items: [])
        default: throw mismatch("a list")
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        NodeSingleValueContainer(decoder: self)
    }

    /// A decoder for a child node one step further down the path.
    func child(_ node: Node, _ component: PathComponent) -> NodeDecoder {
        NodeDecoder(node: node, path: path + [component], context: context)
    }

    /// An error at this node.
    func error(_ message: String) -> LocatedError {
        LocatedError(line: node.line, path: PathComponent.format(path), message: message)
    }

    /// `expected <what>, found <this node>`.
    func mismatch(_ expected: String) -> LocatedError {
        error("expected \(expected), found \(node.summary)")
    }
}

extension NodeDecoder {
    /// Decodes a value of any type: scalars as the type asks, everything else through its
    /// `init(from:)`, turning its `DecodingError`s into errors located at this node.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = try decodeScalar(type) { return value }
        do {
            return try T(from: self)
        } catch let error as DecodingError {
            throw self.error(Self.describe(error))
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            context.debugDescription
        case .keyNotFound(let key, _):
            "missing required key '\(key.stringValue)'"
        @unknown default:
            "\(error)"
        }
    }
}
