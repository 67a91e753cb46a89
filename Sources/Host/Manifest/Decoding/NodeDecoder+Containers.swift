import Yams

/// A mapping read by a `CodingKey` type, recording which keys the type accepts and asks for.
struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let decoder: NodeDecoder
    private let pairs: [(name: String, value: Node)]
    private let use: NodeDecodingContext.MappingUse

    /// Opens `mapping`, recording which of its keys `Key` accepts and which keys it declares.
    init(decoder: NodeDecoder, mapping: Node.Mapping) {
        self.decoder = decoder
        pairs = mapping.map { (name: $0.key.scalar?.string ?? $0.key.summary, value: $0.value) }
        use = decoder.context.use(of: mapping, at: decoder.path)
        for pair in pairs where Key(stringValue: pair.name) != nil {
            use.accepted.insert(pair.name)
        }
        if let declared = Key.self as? any CaseIterable.Type {
            for case let key as Key in declared.allCases as any Collection {
                use.declared.insert(key.stringValue)
            }
        }
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    /// The mapping's keys that `Key` accepts, in document order.
    var allKeys: [Key] { pairs.compactMap { Key(stringValue: $0.name) } }

    func contains(_ key: Key) -> Bool {
        use.requested.insert(key.stringValue)
        return value(for: key) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        use.requested.insert(key.stringValue)
        return value(for: key)?.isNull ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }

    private func value(for key: Key) -> Node? {
        pairs.first { $0.name == key.stringValue }?.value
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        use.requested.insert(key.stringValue)
        guard let value = value(for: key) else {
            throw decoder.error("missing required key '\(key.stringValue)'")
        }
        return decoder.child(value, .key(key.stringValue))
    }
}

/// A list read item by item.
struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    private let decoder: NodeDecoder
    private let items: [Node]
    private(set) var currentIndex = 0

    /// Reads `items` in order.
    init(decoder: NodeDecoder, items: [Node]) {
        self.decoder = decoder
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else { throw decoder.error("the list needs more than \(items.count) item(s)") }
        defer { currentIndex += 1 }
        return decoder.child(items[currentIndex], .index(currentIndex))
    }
}

/// A single value: a scalar, or a whole node handed to a type's own `init(from:)`.
struct NodeSingleValueContainer: SingleValueDecodingContainer {
    /// The decoder of the value's node.
    let decoder: NodeDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.node.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decode(type)
    }
}
