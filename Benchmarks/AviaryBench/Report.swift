import Foundation

/// A scenario's result: printed as a table and written as JSON.
struct Report: Encodable {
    var scenario: String
    var command: String
    var machine: String
    var date: String
    var parameters: [String: String]
    var rows: [Row]

    /// One line of the table: a label and named figures, in order.
    struct Row: Encodable {
        var label: String
        var figures: [(String, String)]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(label, forKey: Key("label"))
            for (name, value) in figures {
                if let number = Double(value) {
                    try container.encode(number, forKey: Key(name))
                } else {
                    try container.encode(value, forKey: Key(name))
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

    init(scenario: String, parameters: [String: String], rows: [Row]) {
        self.scenario = scenario
        command = (["aviary-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let memory = ProcessInfo.processInfo.physicalMemory / 1_073_741_824
        machine = "\(cores) cores, \(memory) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)"
        date = ISO8601DateFormatter().string(from: Date())
        self.parameters = parameters
        self.rows = rows
    }

    /// The table, for the terminal.
    var table: String {
        let headers = [""] + (rows.first?.figures.map(\.0) ?? [])
        let lines = rows.map { [$0.label] + $0.figures.map(\.1) }
        let widths = headers.indices.map { column in
            ([headers[column]] + lines.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func format(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == 0 ? cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: max(0, widths[index] - cell.count)) + cell
            }.joined(separator: "  ")
        }
        let parameterLine = parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return (["\(scenario) (\(parameterLine))", format(headers)] + lines.map(format)).joined(separator: "\n")
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

extension LoadFigures {
    /// The figures as a table row.
    func row(_ label: String) -> Report.Row {
        Report.Row(label: label, figures: [
            ("offered/s", String(format: "%.0f", offeredPerSecond)),
            ("achieved/s", String(format: "%.0f", achievedPerSecond)),
            ("p50 ms", String(format: "%.1f", latencyP50Ms)),
            ("p95 ms", String(format: "%.1f", latencyP95Ms)),
            ("p99 ms", String(format: "%.1f", latencyP99Ms)),
            ("max ms", String(format: "%.1f", latencyMaxMs)),
            ("host cpu s/1k", String(format: "%.3f", hostCPUSecondsPer1000)),
            ("bench cpu s/1k", String(format: "%.3f", benchCPUSecondsPer1000)),
            ("peak rss MB", String(format: "%.1f", peakRSSMB)),
            ("lost", "\(lost)"),
            ("duplicated", "\(duplicated)"),
        ])
    }
}
