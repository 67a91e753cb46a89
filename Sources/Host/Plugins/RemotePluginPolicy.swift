import Foundation

/// Which hosts remote plugins may call, from the host config's `remote_plugins:` section.
///
/// ```yaml
/// remote_plugins:
///   allowed_hosts: [127.0.0.1, plugins.internal:9100]   # absent: any host (for the admin's manifests)
///   brands:                                            # the hosts each brand's bots may call
///     han: [han-plugins.example.com]
/// ```
///
/// An entry is a host name or address (any port) or `host:port`. A bot's remote plugin must
/// reach a host in `allowed_hosts` when given, and, when its brand has a list, a host in that
/// list too. A manifest written with a brand token needs its brand's list: without one, its
/// bots may call no remote plugin.
struct RemotePluginPolicy: Sendable, Equatable {
    /// The hosts every remote plugin must be among; `nil` allows any.
    var allowedHosts: [String]?
    /// Each brand's hosts.
    var brands: [String: [String]] = [:]

    /// Why `url` may not be called by a bot of `brand`, or `nil` when it may.
    func refusal(of url: URL, brand: String?, writtenByBrand: Bool) -> String? {
        guard let host = url.host?.lowercased() else { return "the address has no host" }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        func allows(_ list: [String]) -> Bool {
            list.contains { entry in
                let entry = entry.lowercased()
                return entry == host || entry == "\(host):\(port)" || entry == "[\(host)]:\(port)"
            }
        }
        if let allowedHosts, !allows(allowedHosts) {
            return "the host config does not allow remote plugins at \(host):\(port) "
                + "(remote_plugins.allowed_hosts); ask the host's admin"
        }
        let brandHosts = brand.flatMap { brands[$0] }
        if let brandHosts, !allows(brandHosts) {
            return "brand '\(brand ?? "")' may not call remote plugins at \(host):\(port) "
                + "(remote_plugins.brands.\(brand ?? "")); ask the host's admin"
        }
        if writtenByBrand, brandHosts == nil {
            return "the host config allows brand '\(brand ?? "(none)")' no remote plugin hosts "
                + "(remote_plugins.brands); ask the host's admin"
        }
        return nil
    }
}
