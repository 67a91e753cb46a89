import Yams

/// What one decoding pass learns besides the value: every mapping it opened, the keys each
/// Decodable type asked for, and the errors of fields decoded softly.
///
/// A key is unknown when no type ever asked for it. After a failed decode, when some fields
/// were never reached, only keys that no opened container would even accept are reported.
final class NodeDecodingContext {
    /// One mapping node's keys and what the decoding types did with them.
    final class MappingUse {
        /// Where the mapping is.
        let path: [PathComponent]
        /// Its keys in document order, with their lines.
        let keys: [(name: String, line: Int?)]
        /// Keys some type asked for (`decode`, `decodeIfPresent`, `contains`, nested containers).
        var requested: Set<String> = []
        /// Keys some opened container's `CodingKey` type accepts.
        var accepted: Set<String> = []
        /// Keys the types declare (their `CaseIterable` coding keys), for suggestions.
        var declared: Set<String> = []

        /// A record of the mapping at `path` with `keys`.
        init(path: [PathComponent], keys: [(name: String, line: Int?)]) {
            self.path = path
            self.keys = keys
        }
    }

    /// Expands `${VAR}` in scalar values.
    let interpolation: Interpolation
    /// Errors of fields decoded softly, so that one bad field does not hide the others.
    var fieldErrors: [LocatedError] = []
    private var uses: [[PathComponent]: MappingUse] = [:]
    private var order: [[PathComponent]] = []

    /// A context expanding variables with `interpolation`.
    init(interpolation: Interpolation) {
        self.interpolation = interpolation
    }

    /// The record of the mapping at `path`, created the first time a container opens it.
    func use(of mapping: Node.Mapping, at path: [PathComponent]) -> MappingUse {
        if let use = uses[path] { return use }
        let keys = Array(mapping.keys).map { (name: $0.scalar?.string ?? $0.summary, line: $0.line) }
        let use = MappingUse(path: path, keys: keys)
        uses[path] = use
        order.append(path)
        return use
    }

    /// Every unknown key as a located error with a "did you mean" from the keys its type knows.
    ///
    /// - Parameter decodingFailed: Whether the decode threw, leaving some keys unread.
    func unknownKeyErrors(decodingFailed: Bool) -> [LocatedError] {
        order.compactMap { uses[$0] }.flatMap { use in
            let known = decodingFailed ? use.accepted : use.requested
            return use.keys.filter { !known.contains($0.name) }.map { key in
                let candidates = use.requested.union(use.declared).subtracting([key.name]).sorted()
                return LocatedError(
                    line: key.line,
                    path: PathComponent.format(use.path + [.key(key.name)]),
                    message: "unknown key" + Suggestion.hint(for: key.name, among: candidates)
                )
            }
        }
    }
}
