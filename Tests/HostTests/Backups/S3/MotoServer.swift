import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Foundation
#if canImport(Glibc)
    import Glibc
#endif

/// A real S3-compatible server for the tests: moto's `moto_server` (from PyPI, in
/// `.build/moto-venv`, which `scripts/bootstrap.sh --tests` makes through
/// `scripts/moto-env.sh`), on a free loopback port of its own choosing, stopped by ``stop()``.
///
/// It checks no signatures: a bucket is made with a plain `PUT` (``createBucket(_:)``).
final class MotoServer: @unchecked Sendable {
    private let process = Process()
    private let output: LogCollector
    /// `http://127.0.0.1:<port>`.
    let endpoint: String

    /// The server's executable in this package's `.build`.
    static var executablePath: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/moto-venv/bin/moto_server").path
    }

    /// Starts a server and waits until it listens.
    ///
    /// - Throws: ``HarnessError`` saying how to install moto when it is missing (the tests
    ///   fail then: they are never skipped).
    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executablePath) else {
            throw HarnessError(
                "moto is not installed (no \(Self.executablePath)): run scripts/moto-env.sh, which "
                    + "scripts/test.sh runs through scripts/bootstrap.sh --tests"
            )
        }
        let logPath = FileManager.default.temporaryDirectory.appendingPathComponent("moto-\(UUID().uuidString).log")
        output = try LogCollector(filePath: logPath.path)
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = ["-H", "127.0.0.1", "-p", "0"]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        process.standardOutput = output.pipe
        process.standardError = output.pipe
        try process.run()
        let marker = "Running on http://127.0.0.1:"
        guard await output.wait(for: marker, count: 1, timeout: .seconds(120)),
            let range = output.text.range(of: marker),
            let port = Int(output.text[range.upperBound...].prefix { $0.isNumber })
        else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw HarnessError("moto_server did not start: \(output.text)")
        }
        endpoint = "http://127.0.0.1:\(port)"
    }

    /// Stops the server and waits for it to exit.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Creates `bucket`.
    func createBucket(_ bucket: String) async throws {
        var request = HTTPClientRequest(url: "\(endpoint)/\(bucket)")
        request.method = .PUT
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw HarnessError("PUT /\(bucket) on moto answered \(response.status.code)")
        }
    }

    /// An `s3://` destination on `bucket` with `prefix`, credentials from `file`.
    func url(bucket: String, prefix: String = "", credentialsFile: String) -> String {
        "s3://\(bucket)/\(prefix)?endpoint=\(endpoint)&credentials_file=\(credentialsFile)"
    }
}
