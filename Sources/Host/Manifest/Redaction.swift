import Yams

/// The environment's values a manifest read through `${…}`, and how to hide them: each is shown
/// as the reference that read it (`${HAN_RU_TOKEN}`), never as itself.
///
/// Every error of a validation passes through ``apply(_:)``, whichever check wrote it (the host's
/// own or a plugin's), so a value that came from the environment is never echoed, even when a
/// check quotes what it was given.
struct Redaction: Sendable {
    /// Each value with its reference, longest value first so that a value inside another is not
    /// replaced first.
    private var pairs: [(value: String, reference: String)] = []

    /// Nothing to hide.
    init() {}

    /// The values `interpolation` reads for any scalar of `node`.
    init(node: Node, interpolation: Interpolation) {
        var found: [String: String] = [:]
        node.forEachScalar { text in
            for (value, reference) in interpolation.environmentValues(in: text) where found[value] == nil {
                found[value] = reference
            }
        }
        pairs = found.map { (value: $0.key, reference: $0.value) }.sorted {
            ($0.value.unicodeScalars.count, $0.value) > ($1.value.unicodeScalars.count, $1.value)
        }
    }

    /// Whether nothing was read from the environment.
    var isEmpty: Bool { pairs.isEmpty }

    /// `text` with every value read from the environment replaced by its reference, in one pass
    /// over its Unicode scalars (a reference is never searched again, and a value is found even
    /// where it joins a neighbouring character).
    func apply(_ text: String) -> String {
        guard !pairs.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        search: while index < scalars.count {
            for pair in pairs where scalars[index...].starts(with: pair.value.unicodeScalars) {
                output.append(contentsOf: pair.reference.unicodeScalars)
                index += pair.value.unicodeScalars.count
                continue search
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }
}

extension Node {
    /// Calls `body` with the text of every scalar under this node, keys included.
    func forEachScalar(_ body: (String) -> Void) {
        switch self {
        case .scalar(let scalar):
            body(scalar.string)
        case .mapping(let mapping):
            for (key, value) in mapping {
                key.forEachScalar(body)
                value.forEachScalar(body)
            }
        case .sequence(let sequence):
            for item in sequence { item.forEachScalar(body) }
        case .alias:
            break
        }
    }
}
