import ArgumentParser
import Foundation
import Logging
import Storage

/// How log lines are written to standard error.
enum LogFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// `2026-11-25T10:00:00Z info bot=han-ru chat=42 [aviary] message`, for people.
    case text
    /// One JSON object per line (`ts`, `level`, `label`, `message`, then the metadata), for log shippers.
    case json
}

/// The host's log handler: text or JSON lines on standard error, bot tokens masked in messages
/// and metadata, and every warning or error that carries `bot` metadata kept in ``RecentErrors``.
struct HostLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LogFormat
    let recentErrors: RecentErrors?
    let output: LogOutput

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let message = TokenRedaction.redact(event.message.description)
        let fields = merged.mapValues { TokenRedaction.redact("\($0)") }
        if event.level >= .warning, let bot = fields["bot"] {
            recentErrors?.record(bot: bot, level: event.level, message: message)
        }
        let timestamp = Date().formatted(.iso8601)
        switch format {
        case .text:
            let pairs = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            output.write("\(timestamp) \(event.level) \(pairs.isEmpty ? "" : pairs + " ")[\(label)] \(message)\n")
        case .json:
            var object: [String: String] = fields
            object["ts"] = timestamp
            object["level"] = event.level.rawValue
            object["label"] = label
            object["message"] = message
            output.write(Self.jsonLine(object))
        }
    }

    /// One JSON object with sorted keys and a newline.
    static func jsonLine(_ object: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// Where log lines go; standard error unless a test captures them.
final class LogOutput: Sendable {
    private let sink: @Sendable (String) -> Void

    /// Writes through `sink`.
    init(_ sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// Standard error, one write per line so lines from different tasks never interleave.
    static let standardError = LogOutput { line in
        FileHandle.standardError.write(Data(line.utf8))
    }

    func write(_ line: String) { sink(line) }
}
