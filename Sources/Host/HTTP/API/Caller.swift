/// Who made a management API call, from their bearer token.
enum Caller: Sendable, Equatable {
    /// The admin token: every bot and every operation.
    case admin
    /// A brand token: that brand's bots only.
    case brand(String)

    /// Whether the caller may see and act on a bot of `brand`.
    func mayAccess(brand: String?) -> Bool {
        switch self {
        case .admin: true
        case .brand(let own): brand == own
        }
    }

    /// For logs: `admin` or `brand:<name>`, never the token.
    var label: String {
        switch self {
        case .admin: "admin"
        case .brand(let brand): "brand:\(brand)"
        }
    }
}
