/// A strict reader of the Prometheus text format for tests: every line is a `# HELP`, a
/// `# TYPE` or a sample, label values are unescaped, and anything else is an error.
struct Exposition {
    /// One sample line.
    struct Sample: Hashable {
        let name: String
        let labels: [String: String]
        let value: Double
        /// The family of the `# TYPE` line above it.
        let typed: String?
    }

    struct ParseError: Error, CustomStringConvertible {
        let line: String
        let reason: String
        var description: String { "\(reason): \(line)" }
    }

    var samples: [Sample] = []
    /// Help text by family, as written (escapes kept).
    var help: [String: String] = [:]
    /// Type by family.
    var types: [String: String] = [:]
    /// Families in the order of their `# TYPE` lines.
    var order: [String] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = String(rest.prefix { $0 != " " })
                guard help[name] == nil else { throw ParseError(line: line, reason: "a second HELP") }
                help[name] = String(rest.dropFirst(name.count + 1))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ").map(String.init)
                guard parts.count == 2, types[parts[0]] == nil else { throw ParseError(line: line, reason: "bad TYPE") }
                types[parts[0]] = parts[1]
                order.append(parts[0])
            } else {
                samples.append(try Self.sample(line, typed: order.last))
            }
        }
        if text.last != "\n" && !text.isEmpty { throw ParseError(line: text, reason: "no final line feed") }
    }

    /// The family a sample belongs to: its name without a histogram's suffix.
    func family(of sample: Sample) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
            let base = String(sample.name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return sample.name
    }

    private static func sample(_ line: String, typed: String?) throws -> Sample {
        var characters = Substring(line)
        let name = String(characters.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard !name.isEmpty else { throw ParseError(line: line, reason: "no metric name") }
        characters = characters.dropFirst(name.count)
        var labels: [String: String] = [:]
        if characters.first == "{" {
            characters = characters.dropFirst()
            while characters.first != "}" {
                let label = String(characters.prefix { $0 != "=" })
                characters = characters.dropFirst(label.count)
                guard characters.hasPrefix("=\"") else { throw ParseError(line: line, reason: "no =\" after \(label)") }
                characters = characters.dropFirst(2)
                var value = ""
                while let character = characters.first, character != "\"" {
                    characters = characters.dropFirst()
                    guard character == "\\" else {
                        value.append(character)
                        continue
                    }
                    switch characters.first {
                    case "\\": value.append("\\")
                    case "\"": value.append("\"")
                    case "n": value.append("\n")
                    default: throw ParseError(line: line, reason: "bad escape")
                    }
                    characters = characters.dropFirst()
                }
                guard characters.first == "\"" else { throw ParseError(line: line, reason: "unterminated value") }
                characters = characters.dropFirst()
                guard labels.updateValue(value, forKey: label) == nil else {
                    throw ParseError(line: line, reason: "label \(label) twice")
                }
                if characters.first == "," { characters = characters.dropFirst() }
            }
            characters = characters.dropFirst()
        }
        guard characters.first == " ", let value = Double(characters.dropFirst()) else {
            throw ParseError(line: line, reason: "no value")
        }
        return Sample(name: name, labels: labels, value: value, typed: typed)
    }
}
