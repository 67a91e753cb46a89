import Foundation

/// The Bot API servers a manifest written with a brand token may name in `telegram.api_url`,
/// from the host config:
///
/// ```yaml
/// telegram:
///   brand_api_urls: [http://127.0.0.1:8081]   # besides Telegram's own, which is always allowed
/// ```
///
/// The host sends a bot's token to its Bot API server and calls it from inside the host's
/// network, so a brand may not choose just any: the admin lists local Bot API servers here.
/// The admin's own manifests may name any http(s) server.
struct BrandBotAPIServers: Sendable, Equatable {
    /// Telegram's Bot API, the default `telegram.api_url`, always allowed.
    static let telegram = URL(string: "https://api.telegram.org")!

    /// The servers listed besides Telegram's.
    var listed: [URL] = []

    /// Whether a brand's manifest may name `url`: the same scheme, host, port and path (a
    /// final `/` aside) as Telegram's or a listed server, compared without case but for the path.
    func allows(_ url: URL) -> Bool {
        guard let wanted = Self.key(of: url) else { return false }
        return ([Self.telegram] + listed).contains { Self.key(of: $0) == wanted }
    }

    /// The servers a brand may name, for the refusal.
    var names: String {
        ([Self.telegram] + listed).map(\.absoluteString).joined(separator: ", ")
    }

    private static func key(of url: URL) -> String? {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), url.user == nil,
            url.password == nil, url.query == nil, url.fragment == nil
        else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let path = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        return "\(scheme)://\(host):\(port)\(path)"
    }
}
