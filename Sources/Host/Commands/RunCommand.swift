public import ArgumentParser
import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `aviary run`: runs every enabled bot of the manifest folder until SIGTERM or SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run every enabled bot in the manifest folder; SIGHUP reloads, SIGTERM drains and stops.")

    @Option(name: .customLong("bots-dir"), help: "The folder of bot manifests.")
    var botsDirectory: String = "bots.d"

    @Option(name: .customLong("data-dir"), help: "The folder of bot databases and the pid file.")
    var dataDirectory: String = "data"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds a graceful shutdown may take before it is cut short.")
    var shutdownTimeout: Int = 30

    func run() async throws {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "aviary")
        let options = HostOptions(botsDirectory: botsDirectory, dataDirectory: dataDirectory)
        let pidFile = PIDFile(path: options.pidFilePath)
        try pidFile.write()
        defer { pidFile.remove() }

        let httpClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .aviaryDefault)
        let supervisor = Supervisor(
            options: options,
            loader: ManifestLoader(registry: .builtIn()),
            factory: TenantFactory(options: options, httpClient: httpClient),
            logger: logger)
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: supervisor),
                .init(service: ReloadSignalService(supervisor: supervisor)),
            ],
            logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = .seconds(shutdownTimeout)
        let group = ServiceGroup(configuration: configuration)
        logger.info("aviary starting", metadata: ["bots.dir": "\(botsDirectory)", "data.dir": "\(dataDirectory)", "pid": "\(ProcessInfo.processInfo.processIdentifier)"])
        do {
            try await group.run()
        } catch {
            logger.error("host stopped with an error: \(error)")
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        logger.info("aviary stopped")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension HTTPClient.Configuration {
    /// One connection per long-polling bot must never queue behind another bot's poll.
    static var aviaryDefault: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(90), concurrentHTTP1ConnectionsPerHostSoftLimit: 100_000)
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        return configuration
    }
}
