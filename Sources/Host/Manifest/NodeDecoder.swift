import Foundation
import Yams

/// A step in a key path: a mapping key or a sequence index.
enum PathComponent: Sendable, Equatable {
    case key(String)
    case index(Int)

    /// `telegram.poll_timeout`, `plugins[1].replies`.
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

/// What one decoding pass learns besides the value: keys it did not expect.
final class NodeDecodingContext {
    /// A mapping key that no `CodingKey` of the decoded type accepts.
    struct UnknownKey {
        var path: [PathComponent]
        var key: String
        var line: Int?
        var requested: RequestedKeys
    }

    /// The keys a type asked for in one mapping, for suggestions.
    final class RequestedKeys {
        var keys: Set<String> = []
    }

    let interpolation: Interpolation
    var unknownKeys: [UnknownKey] = []
    /// Errors of fields decoded softly, so that one bad field does not hide the others.
    var fieldErrors: [LocatedError] = []

    init(interpolation: Interpolation) {
        self.interpolation = interpolation
    }

    /// The unknown keys as located errors, each with a suggestion from the keys its type asked for.
    var unknownKeyErrors: [LocatedError] {
        unknownKeys.map { unknown in
            LocatedError(
                line: unknown.line, path: PathComponent.format(unknown.path + [.key(unknown.key)]),
                message: "unknown key" + Suggestion.hint(for: unknown.key, among: unknown.requested.keys.sorted()))
        }
    }
}

/// Decodes any `Decodable` from a YAML node, so every error carries a line and a key path and
/// every unexpected key is reported.
struct NodeDecoder: Decoder {
    let node: Node
    let path: [PathComponent]
    let context: NodeDecodingContext

    var codingPath: [any CodingKey] {
        path.map { component in
            switch component {
            case .key(let key): AnyKey(stringValue: key)
            case .index(let index): AnyKey(intValue: index)
            }
        }
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let pairs: [(key: Node, value: Node)]
        switch node {
        case .mapping(let mapping): pairs = Array(mapping)
        case .scalar where node.isNull: pairs = []
        default: throw mismatch("a mapping")
        }
        return KeyedDecodingContainer(NodeKeyedContainer<Key>(decoder: self, pairs: pairs))
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

    func child(_ node: Node, _ component: PathComponent) -> NodeDecoder {
        NodeDecoder(node: node, path: path + [component], context: context)
    }

    func error(_ message: String) -> LocatedError {
        LocatedError(line: node.mark?.line, path: PathComponent.format(path), message: message)
    }

    func mismatch(_ expected: String) -> LocatedError {
        error("expected \(expected), found \(node.summary)")
    }

    /// The scalar's text after `${…}` expansion.
    func scalarText() throws -> String {
        guard case .scalar(let scalar) = node else { throw mismatch("a value") }
        do {
            return try context.interpolation.expand(scalar.string)
        } catch {
            throw self.error(error.message)
        }
    }
}

private struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let values: [String: (key: Node, value: Node)]
    let requested = NodeDecodingContext.RequestedKeys()

    init(decoder: NodeDecoder, pairs: [(key: Node, value: Node)]) {
        self.decoder = decoder
        if let allKeys = Key.self as? any CaseIterable.Type {
            for key in allKeys.allCases as any Collection {
                if let key = key as? Key { requested.keys.insert(key.stringValue) }
            }
        }
        var values: [String: (key: Node, value: Node)] = [:]
        for pair in pairs {
            let name = pair.key.scalar?.string ?? ""
            values[name] = pair
            if Key(stringValue: name) == nil {
                decoder.context.unknownKeys.append(.init(
                    path: decoder.path, key: name, line: pair.key.mark?.line, requested: requested))
            }
        }
        self.values = values
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { values.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool {
        requested.keys.insert(key.stringValue)
        return values[key.stringValue] != nil
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        requested.keys.insert(key.stringValue)
        guard let pair = values[key.stringValue] else {
            throw decoder.error("missing required key '\(key.stringValue)'")
        }
        return decoder.child(pair.value, .key(key.stringValue))
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        requested.keys.insert(key.stringValue)
        return values[key.stringValue].map { $0.value.isNull } ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [Node]
    var currentIndex = 0

    init(decoder: NodeDecoder, items: [Node]) {
        self.decoder = decoder
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.error("the list has too few items") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], .index(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct NodeSingleValueContainer: SingleValueDecodingContainer {
    let decoder: NodeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decode(type)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional field, recording its error in the decoding context instead of
    /// throwing, so every bad field of a manifest is reported at once.
    func soft<T: Decodable>(_ type: T.Type, forKey key: Key, in decoder: any Decoder) -> T? {
        do {
            return try decodeIfPresent(type, forKey: key)
        } catch let error as LocatedError {
            (decoder as? NodeDecoder)?.context.fieldErrors.append(error)
            return nil
        } catch {
            return nil
        }
    }
}

extension NodeDecoder {
    /// Decodes a value of any type, reading scalars as the type asks.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try scalarText() as! T
        case is Bool.Type:
            switch try scalarText().lowercased() {
            case "true", "yes", "on": return true as! T
            case "false", "no", "off": return false as! T
            default: throw mismatch("true or false")
            }
        case is Int.Type: return try number(Int.init) as! T
        case is Int64.Type: return try number(Int64.init) as! T
        case is Int32.Type: return try number(Int32.init) as! T
        case is UInt.Type: return try number(UInt.init) as! T
        case is Double.Type: return try number(Double.init) as! T
        case is Float.Type: return try number(Float.init) as! T
        default:
            do {
                return try T(from: self)
            } catch let error as DecodingError {
                throw self.error(Self.describe(error))
            }
        }
    }

    private func number<N>(_ parse: (String) -> N?) throws -> N {
        let text = try scalarText()
        guard let value = parse(text.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected \(N.self == Double.self || N.self == Float.self ? "a number" : "an integer"), found '\(text)'")
        }
        return value
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

/// A coding key for paths.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

extension Node {
    /// Whether the node is YAML null (`~`, `null`, or nothing).
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// A short description for "found …" messages.
    var summary: String {
        switch self {
        case .scalar(let scalar): isNull ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
