/// Writing the Prometheus text exposition format (version 0.0.4) into a byte buffer: the
/// `# HELP` and `# TYPE` lines, label sets and values, escaped as the format requires.
extension [UInt8] {
    /// Appends `# HELP name help` and `# TYPE name type`, escaping backslash and line feed in
    /// the help text.
    mutating func appendHeader(name: String, help: String, type: MetricType) {
        append(contentsOf: "# HELP ".utf8)
        append(contentsOf: name.utf8)
        append(UInt8(ascii: " "))
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): append(contentsOf: #"\n"#.utf8)
            default: append(byte)
            }
        }
        append(contentsOf: "\n# TYPE ".utf8)
        append(contentsOf: name.utf8)
        append(UInt8(ascii: " "))
        append(contentsOf: type.rawValue.utf8)
        append(UInt8(ascii: "\n"))
    }

    /// Appends one sample line: `name{labels} value`, with `extra` (such as `le="0.5"`) as the
    /// last label when given, and no braces when there are no labels at all.
    mutating func appendSample(
        _ name: String, suffix: String = "", labels: [(String, String)], extra: (String, String)? = nil, value: String
    ) {
        append(contentsOf: name.utf8)
        append(contentsOf: suffix.utf8)
        if !labels.isEmpty || extra != nil {
            append(UInt8(ascii: "{"))
            var first = true
            for (label, text) in labels + (extra.map { [$0] } ?? []) {
                if !first { append(UInt8(ascii: ",")) }
                first = false
                appendLabel(label, text)
            }
            append(UInt8(ascii: "}"))
        }
        append(UInt8(ascii: " "))
        append(contentsOf: value.utf8)
        append(UInt8(ascii: "\n"))
    }

    /// Appends `label="value"`, escaping backslash, double quote and line feed in the value.
    private mutating func appendLabel(_ label: String, _ value: String) {
        append(contentsOf: label.utf8)
        append(contentsOf: "=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\""): append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\n"): append(contentsOf: #"\n"#.utf8)
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }
}

/// A metric family's Prometheus type, as its `# TYPE` line names it.
enum MetricType: String, Sendable {
    case counter, gauge, histogram
}

extension Duration {
    /// The duration in seconds as exposition text: whole seconds, a point and the fraction
    /// without trailing zeros (`0.025`, `1.0`, `30.0`), exactly.
    var prometheusSeconds: String {
        let (seconds, attoseconds) = components
        guard attoseconds != 0 else { return "\(seconds).0" }
        let negative = seconds < 0 || attoseconds < 0
        let (whole, fraction) = (abs(seconds), abs(attoseconds))
        var digits = String(fraction)
        digits = String(repeating: "0", count: 18 - digits.count) + digits
        while digits.last == "0" { digits.removeLast() }
        return (negative ? "-" : "") + "\(whole).\(digits)"
    }
}
