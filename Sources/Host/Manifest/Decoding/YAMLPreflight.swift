// Yams parses with libyaml (its `CYaml` target) but keeps the parser's events to itself, so the
// events are read here directly; the module is visible because `Yams` depends on it.
import CYaml

/// How much YAML one document may hold, checked before it is composed into nodes.
///
/// Composing and decoding walk every node, so these bound the work of a validation.
struct YAMLLimits: Sendable, Equatable {
    /// The largest document, in bytes of UTF-8.
    var maximumBytes: Int
    /// The most nodes (scalars, lists and mappings) the document may have.
    var maximumNodes: Int
    /// The deepest nesting of lists and mappings.
    var maximumDepth: Int
    /// What the errors call the document: `manifests`, `the host config`.
    var documentName: String

    /// A bot manifest: 256 KiB, 50,000 nodes, 64 levels.
    static let manifest = YAMLLimits(
        maximumBytes: 256 << 10,
        maximumNodes: 50_000,
        maximumDepth: 64,
        documentName: "manifests"
    )
    /// The host config (`--config aviary.yaml`): 64 KiB, 5,000 nodes, 16 levels.
    static let hostConfig = YAMLLimits(
        maximumBytes: 64 << 10,
        maximumNodes: 5_000,
        maximumDepth: 16,
        documentName: "the host config"
    )
}

/// A document refused before it was composed: too large, too deep, or using anchors and aliases.
struct YAMLRefusal: Error, Sendable, Equatable {
    /// The 1-based line, when the refusal is about one place.
    var line: Int?
    /// What is wrong and what to do.
    var message: String
}

/// Reads a document's parser events once, without building anything, and refuses what would make
/// composing or decoding it unbounded.
///
/// Anchors (`&a`) and aliases (`*a`) are refused: a few hundred bytes of nested aliases expand to
/// millions of nodes. A syntax error is not a refusal here: the composer reports it with its line.
enum YAMLPreflight {
    /// The refusal of `text` under `limits`, or `nil` when it may be composed.
    static func refusal(of text: String, limits: YAMLLimits) -> YAMLRefusal? {
        let size = text.utf8.count
        guard size <= limits.maximumBytes else {
            return YAMLRefusal(
                line: nil,
                message:
                    "the document has more than \(limits.maximumBytes) bytes; \(limits.documentName) may have at most "
                    + "\(limits.maximumBytes) bytes (\(limits.maximumBytes >> 10) KiB)"
            )
        }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return YAMLRefusal(line: nil, message: "the YAML parser could not start; try again")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return walk(&parser, limits: limits)
        }
    }

    private static func walk(_ parser: inout yaml_parser_t, limits: YAMLLimits) -> YAMLRefusal? {
        var nodes = 0
        var depth = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            let anchor: UnsafeMutablePointer<yaml_char_t>?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                return YAMLRefusal(
                    line: line,
                    message: "YAML aliases are not allowed in \(limits.documentName); write the value out in full"
                )
            case YAML_SCALAR_EVENT:
                anchor = event.data.scalar.anchor
            case YAML_SEQUENCE_START_EVENT:
                anchor = event.data.sequence_start.anchor
                depth += 1
            case YAML_MAPPING_START_EVENT:
                anchor = event.data.mapping_start.anchor
                depth += 1
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
                continue
            default:
                continue
            }
            if anchor != nil {
                return YAMLRefusal(
                    line: line,
                    message: "YAML aliases are not allowed in \(limits.documentName), nor anchors (&name) for them; "
                        + "write each value out in full"
                )
            }
            nodes += 1
            if nodes > limits.maximumNodes {
                return YAMLRefusal(
                    line: line,
                    message: "the document has more than \(limits.maximumNodes) values; "
                        + "\(limits.documentName) may have at most \(limits.maximumNodes)"
                )
            }
            if depth > limits.maximumDepth {
                return YAMLRefusal(
                    line: line,
                    message: "lists and mappings nest more than \(limits.maximumDepth) levels deep; "
                        + "\(limits.documentName) may nest at most \(limits.maximumDepth)"
                )
            }
        }
    }
}
