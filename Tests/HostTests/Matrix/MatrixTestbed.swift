import AsyncHTTPClient
import FakeBotAPI
import Foundation
import Logging
import Tenant
@testable import Host

/// Synapse and the real `aviary` binary wired through one application service, with people
/// registered through Synapse's shared-secret admin API (`aviary matrix register-people`).
final class MatrixTestbed: @unchecked Sendable {
    let sandbox: HostSandbox
    let synapse: SynapseServer
    let aviaryPort: Int
    var host: AviaryProcess?
    private var runs = 0

    /// The host config's path.
    var configPath: String { sandbox.root.appendingPathComponent("aviary.yaml").path }

    /// Writes the host config, prints the registration with `aviary matrix registration` and
    /// starts Synapse with it. The host is started by ``startHost()``.
    init() async throws {
        sandbox = try HostSandbox()
        let root = sandbox.root.path
        aviaryPort = try LoopbackPort.unused()
        let synapsePort = try LoopbackPort.unused()
        try "as-\(UUID().uuidString)".write(toFile: "\(root)/as_token", atomically: true, encoding: .utf8)
        try "hs-\(UUID().uuidString)".write(toFile: "\(root)/hs_token", atomically: true, encoding: .utf8)
        try """
        matrix:
          id: aviary
          homeserver_url: http://127.0.0.1:\(synapsePort)
          server_name: localhost
          as_token_file: \(root)/as_token
          hs_token_file: \(root)/hs_token
          user_prefix: aviary_
          url: http://127.0.0.1:\(aviaryPort)
        """.write(toFile: "\(root)/aviary.yaml", atomically: true, encoding: .utf8)
        let registration = try Self.runAviary(["matrix", "registration", "--config", "\(root)/aviary.yaml"])
        try registration.write(toFile: "\(root)/registration.yaml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "\(root)/synapse", withIntermediateDirectories: true)
        synapse = try await SynapseServer(
            directory: "\(root)/synapse",
            port: synapsePort,
            registration: "\(root)/registration.yaml"
        )
    }

    /// Starts the host (again after a crash) and waits until its bots started and it pinged the homeserver.
    func startHost(bots: Int) async throws {
        runs += 1
        let process = try AviaryProcess(
            arguments: [
                "run", "--bots-dir", sandbox.botsDirectory, "--data-dir", sandbox.dataDirectory,
                "--shutdown-timeout", "10", "--http-port", "\(aviaryPort)", "--config", configPath,
            ],
            environment: ["AVIARY_ADMIN_TOKEN": BrowserTests.admin],
            logPath: sandbox.logPath + ".\(runs)"
        )
        host = process
        try await process.waitForLog("bot started", count: bots, timeout: .seconds(60))
        try await process.waitForLog("matrix: the homeserver answered", timeout: .seconds(60))
    }

    /// A testbed running the one bot `manifest` (as `id`), with ann in a direct chat with `bot`.
    static func directChat(id: String, manifest: String, bot: String) async throws
        -> (MatrixTestbed, MatrixPerson, String)
    {
        let testbed = try await MatrixTestbed()
        try testbed.sandbox.writeManifest(id, manifest)
        try await testbed.startHost(bots: 1)
        let ann = try testbed.people(["ann"])[0]
        return (testbed, ann, try await ann.openDirectChat(with: bot))
    }

    /// A client of the bot user `localpart` of the application service, outside any host, over `store`.
    func client(_ localpart: String, store: MatrixStore) throws -> MatrixClient {
        MatrixClient(
            account: MatrixClient.Account(
                homeserver: URL(string: synapse.endpoint)!,
                localpart: localpart,
                serverName: "localhost",
                displayName: localpart,
                avatarURL: nil
            ),
            asToken: try String(contentsOfFile: sandbox.root.appendingPathComponent("as_token").path, encoding: .utf8),
            directory: store,
            httpClient: .shared,
            logger: Logger(label: "test")
        )
    }

    /// Registers people `names` and returns them.
    func people(_ names: [String]) throws -> [MatrixPerson] {
        let root = sandbox.root.path
        try synapse.sharedSecret.write(toFile: "\(root)/shared_secret", atomically: true, encoding: .utf8)
        let output = try Self.runAviary(
            [
                "matrix", "register-people", "--config", configPath, "--shared-secret-file", "\(root)/shared_secret",
                "--password", "password-123456",
            ] + names
        )
        return output.split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return MatrixPerson(endpoint: synapse.endpoint, userID: String(parts[0]), token: String(parts[1]))
        }
    }

    /// Stops the host with SIGTERM and Synapse.
    func stop() async throws {
        if let host {
            host.signal(SIGTERM)
            _ = try await host.waitForExit()
        }
        synapse.stop()
    }

    /// Runs the aviary binary to its end and returns its standard output.
    ///
    /// - Throws: ``HarnessError`` with its output when it fails.
    static func runAviary(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: AviaryProcess.binaryPath)
        process.arguments = arguments
        var environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
        if let profile = ProcessInfo.processInfo.environment["LLVM_PROFILE_FILE"] {
            environment["LLVM_PROFILE_FILE"] = profile
        }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw HarnessError("aviary \(arguments.first ?? ""): \(text)") }
        return text
    }
}
