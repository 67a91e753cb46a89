import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// An example remote plugin (`examples/plugins/…`) running as its own process for a test: it
/// prints `listening on <port>` once it serves, and is ended by ``stop()``.
final class ExamplePluginProcess: Sendable {
    private let process: Process
    private let port: Int

    /// Starts `executable` with `arguments` and returns once it printed its port.
    init(_ executable: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let lines = AsyncStream<String>.makeStream()
        let buffer = Mutex("")
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                lines.continuation.finish()
                return
            }
            let text = buffer.withLock { text in
                text += String(decoding: data, as: UTF8.self)
                return text
            }
            lines.continuation.yield(text)
        }
        try process.run()
        var found: Int?
        for await text in lines.stream {
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                found = Int(line.dropFirst("listening on ".count).trimmingCharacters(in: .whitespaces))
                break
            }
        }
        guard let found else {
            process.terminate()
            throw HarnessError("\(executable) ended without printing 'listening on <port>'")
        }
        self.process = process
        self.port = found
    }

    /// The plugin's hook address.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Ends the plugin (SIGKILL: a child of the test process inherits its blocked signals) and
    /// waits for it.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The repository's root, for the examples' paths.
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}
