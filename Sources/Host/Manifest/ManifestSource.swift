/// Who wrote the manifest text being validated, which decides what it may read from the host.
enum ManifestSource: Sendable, Equatable {
    /// A file of the host's manifest folder, or text sent by the admin token's caller:
    /// `${VAR}` expands from the host's environment and `token_file` is read.
    case host
    /// Text sent by a brand token's caller: no `${…}` expansion and no file reads, so the text
    /// learns nothing about the host (no variable's value, nor whether a variable or file exists).
    case brand
    /// A brand's manifest written through the API: as ``brand``, except that `token_file` may
    /// name `tokenFile`, the bot's own secret file (`<data-dir>/secrets/<id>.token`), exactly.
    case brandOwned(tokenFile: String)

    /// Whether a brand token's caller wrote the text.
    var isBrand: Bool { self != .host }

    /// The expander for this source over `environment`.
    func interpolation(environment: [String: String]) -> Interpolation {
        switch self {
        case .host:
            Interpolation(environment: environment)
        case .brand, .brandOwned:
            .refusing(
                because: "brand callers cannot use ${…}: the host's environment is not theirs to read; "
                    + "write the value itself, or ask the host's admin to validate"
            )
        }
    }
}
