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
/// bots may call no remote plugin. The brand's list also bounds the other servers a brand's
/// text makes the host call: the companion's model endpoint (`base_url`).
struct RemotePluginPolicy: Sendable, Equatable {
    /// The hosts every remote plugin must be among; `nil` allows any.
    var allowedHosts: [String]?
    /// Each brand's hosts.
    var brands: [String: [String]] = [:]

    /// Why `url` may not be called by a bot of `brand`, or `nil` when it may.
    func refusal(of url: URL, brand: String?, writtenByBrand: Bool) -> String? {
        guard url.host?.isEmpty == false else { return "the address has no host" }
        if let allowedHosts, !Self.allows(allowedHosts, url) {
            return "the host config does not allow remote plugins at \(Self.place(url)) "
                + "(remote_plugins.allowed_hosts); ask the host's admin"
        }
        return brandRefusal(of: url, brand: brand, writtenByBrand: writtenByBrand, calling: "remote plugins")
    }

    /// Why a bot of `brand` may not call `url` for `what` (`remote plugins`, `a model`) under the
    /// brand's list, or `nil` when it may. A manifest written with a brand token needs a list.
    func brandRefusal(of url: URL, brand: String?, writtenByBrand: Bool, calling what: String) -> String? {
        guard url.host?.isEmpty == false else { return "the address has no host" }
        let brandHosts = brand.flatMap { brands[$0] }
        if let brandHosts, !Self.allows(brandHosts, url) {
            return "brand '\(brand ?? "")' may not call \(what) at \(Self.place(url)) "
                + "(remote_plugins.brands.\(brand ?? "")); ask the host's admin"
        }
        if writtenByBrand, brandHosts == nil {
            return "the host config allows brand '\(brand ?? "(none)")' no hosts to call "
                + "(remote_plugins.brands); ask the host's admin"
        }
        return nil
    }

    /// `host:port` of `url`.
    private static func place(_ url: URL) -> String {
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return "\(url.host?.lowercased() ?? ""):\(port)"
    }

    /// Whether `list` names `url`'s host (any port) or its `host:port`.
    private static func allows(_ list: [String], _ url: URL) -> Bool {
        guard let host = url.host?.lowercased() else { return false }
        let port = url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
        return list.contains { entry in
            let entry = entry.lowercased()
            return entry == host || entry == "\(host):\(port)" || entry == "[\(host)]:\(port)"
        }
    }
}
