package import AsyncHTTPClient

/// The `HTTPClient` every remote plugin of the process calls through: connections kept alive
/// and reused, redirects not followed (a plugin cannot send the host's signed request to a host
/// the host config does not allow), no decompression (the answer's bytes are what is limited).
package enum RemoteHTTP {
    /// The process-wide client; never shut down, like `HTTPClient.shared`.
    package static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
