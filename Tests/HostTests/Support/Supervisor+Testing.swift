import AsyncHTTPClient
import CoreMetrics
import Foundation
import Logging
@testable import Host

extension Supervisor {
    /// A supervisor over `sandbox`'s folders, as the in-process tests run it: a fixed host
    /// secret, no environment for `${VAR}`, no metrics; `publicURL` as `--public-url` gives it.
    static func forTesting(
        _ sandbox: HostSandbox, registry: PluginRegistry = .builtIn(), logger: Logger,
        stopTimeout: Duration = .seconds(30), publicURL: URL? = nil
    ) -> Supervisor {
        let options = HostOptions(
            botsDirectory: sandbox.botsDirectory, dataDirectory: sandbox.dataDirectory, publicURL: publicURL)
        return Supervisor(
            options: options, loader: ManifestLoader(registry: registry, environment: [:]),
            factory: TenantFactory(
                options: options, httpClient: HTTPClient.shared, secret: HostSecret(Data(repeating: 7, count: 32)),
                metricsFactory: NOOPMetricsHandler.instance),
            logger: logger, stopTimeout: stopTimeout)
    }
}
