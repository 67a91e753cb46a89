import Foundation

/// A scenario's result: printed as a table and written as JSON. With a peer, each contender's
/// rows come first and a comparison follows: both contenders' headline rows and their ratio.
struct Report: Encodable {
    var scenario: String
    var command: String
    var machine: String
    var date: String
    var parameters: [String: String]
    var rows: [Row]
    /// The headline rows of aviary and the peer, then the ratio row; absent without a peer.
    var comparison: [Row]?

    /// One line of the table: a label and named figures, in order.
    struct Row: Encodable {
        var label: String
        var figures: [Figure]

        /// Figures without a value (a ratio that means nothing) are left out of the JSON.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(label, forKey: Key("label"))
            for figure in figures where !figure.value.isEmpty {
                if let number = Double(figure.value) {
                    try container.encode(number, forKey: Key(figure.name))
                } else {
                    try container.encode(figure.value, forKey: Key(figure.name))
                }
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    init(scenario: String, parameters: [String: String], runs: [ContenderRun]) {
        self.scenario = scenario
        command = (["aviary-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
        machine = "\(cores) cores, \(memory) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
        date = ISO8601DateFormatter().string(from: Date())
        self.parameters = parameters
        rows = runs.flatMap { run in run.rows.map { Row(label: "\(run.contender) \($0.label)", figures: $0.figures) } }
        if runs.count == 2 {
            comparison = runs.map { Row(label: "\($0.contender) \($0.headline.label)", figures: $0.headline.figures) }
                + [Self.ratio(of: runs[0].headline, to: runs[1].headline)]
        }
    }

    /// Figure by figure, how many times better the first row is than the second: the second's
    /// value over the first's where lower is better, the first's over the second's where higher
    /// is better. Empty where a figure has no direction or either value is zero.
    static func ratio(of first: Row, to second: Row) -> Row {
        Row(label: ratioLabel, figures: first.figures.map { figure in
            let other = second.figures.first { $0.name == figure.name }
            guard let mine = Double(figure.value), let theirs = other.flatMap({ Double($0.value) }),
                mine > 0, theirs > 0
            else { return Figure(figure.name, "") }
            // Two decimals, or three below 0.1, so that a ratio far below 1 does not print as 0.
            func format(_ ratio: Double) -> String { String(format: ratio < 0.1 ? "%.3f" : "%.2f", ratio) }
            switch figure.better {
            case .lower: return Figure(figure.name, format(theirs / mine))
            case .higher: return Figure(figure.name, format(mine / theirs))
            case .neither: return Figure(figure.name, "")
            }
        })
    }

    static let ratioLabel = "ratio (>1: aviary better)"

    /// The table, for the terminal.
    var table: String {
        let parameterLine = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var text = ["\(scenario) (\(parameterLine))"]
        if let comparison {
            // Rows other than the headlines (saturation's steps) are shown first.
            if rows.map(\.label) != comparison.dropLast().map(\.label) { text += Self.format(rows) + [""] }
            text.append("lower is better for times, CPU and memory, higher for throughput; the ratio is how many times"
                + " better aviary is (aiogram/aviary or aviary/aiogram), so > 1 favours aviary")
            text += Self.format(comparison)
        } else {
            text += Self.format(rows)
        }
        return text.joined(separator: "\n")
    }

    private static func format(_ rows: [Row]) -> [String] {
        let headers = [""] + (rows.first?.figures.map(\.name) ?? [])
        let lines = rows.map { [$0.label] + $0.figures.map(\.value) }
        let widths = headers.indices.map { column in
            ([headers[column]] + lines.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, widths[index] - cell.count)) + cell
            }.joined(separator: "  ")
        }
        return [format(headers)] + lines.map(format)
    }

    /// Prints the table and writes the JSON to `path`.
    func publish(to path: String) throws {
        print(table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoder.encode(self).write(to: url)
        print("wrote \(path)")
    }
}

/// One named figure of a row, and which way is better.
struct Figure {
    var name: String
    var value: String
    var better: Better

    /// Which way a figure improves; a ratio is only computed for a figure with a direction.
    enum Better { case lower, higher, neither }

    init(_ name: String, _ value: String, _ better: Better = .neither) {
        self.name = name
        self.value = value
        self.better = better
    }
}

extension LoadFigures {
    /// The figures as a table row.
    func row(_ label: String) -> Report.Row {
        Report.Row(label: label, figures: [
            Figure("offered/s", String(format: "%.0f", offeredPerSecond)),
            Figure("achieved/s", String(format: "%.0f", achievedPerSecond), .higher),
            Figure("p50 ms", String(format: "%.1f", latencyP50Ms), .lower),
            Figure("p95 ms", String(format: "%.1f", latencyP95Ms), .lower),
            Figure("p99 ms", String(format: "%.1f", latencyP99Ms), .lower),
            Figure("max ms", String(format: "%.1f", latencyMaxMs), .lower),
            Figure("host cpu s/1k", String(format: "%.3f", hostCPUSecondsPer1000), .lower),
            Figure("bench cpu s/1k", String(format: "%.3f", benchCPUSecondsPer1000)),
            Figure("peak rss MB", String(format: "%.1f", peakRSSMB), .lower),
            Figure("lost", "\(lost)", .lower),
            Figure("duplicated", "\(duplicated)", .lower),
        ])
    }
}
