import Yams

/// The masked values `GET …/manifest` and the editor show (`***`, `123456:***`), when a caller
/// sends them back: the admin's keep the stored value at the same place; a brand's are errors.
///
/// A brand token may not keep a stored credential it cannot see: with the rest of the manifest
/// in its hands (a plugin's address, say), keeping it would send the host admin's secret where
/// the brand chooses.
enum MaskedValues {
    /// Whether `value` is what a masked value looks like.
    static func isMasked(_ value: String) -> Bool {
        value == "***" || (value.hasSuffix(":***") && value.dropLast(4).allSatisfy(\.isNumber) && value.count > 4)
    }

    /// `text` with each masked credential the admin sent back replaced by the stored one at the
    /// same key path of `stored`; for a brand caller, an error at each.
    static func restore(_ text: String, stored: String?, admin: Bool, file: String) -> (String, [ManifestError]) {
        guard YAMLPreflight.refusal(of: text, limits: .manifest) == nil, let root = try? Yams.compose(yaml: text)
        else { return (text, []) }
        let old = stored.flatMap {
            YAMLPreflight.refusal(of: $0, limits: .manifest) == nil ? try? Yams.compose(yaml: $0) : nil
        }
        var errors: [ManifestError] = []
        var changed = false
        let restored = ManifestText.edit(text, root: root) { path, value in
            let name = String(path.split(separator: ".").last ?? "")
            guard ManifestText.isSecretKey(name), let scalar = value.scalar, isMasked(scalar.string) else {
                return .keep
            }
            guard admin, let previous = old?.locate(path)?.scalar?.string, !isMasked(previous) else {
                errors.append(
                    ManifestError(
                        file: file,
                        line: value.line,
                        key: path,
                        message: admin
                            ? "holds a masked value and the stored manifest has none here to keep; "
                                + "write the value itself"
                            : "holds a masked value; write the value itself "
                                + "(a brand token cannot keep a stored credential)"
                    )
                )
                return .keep
            }
            changed = true
            return .replace(key: name, value: .quoted(previous))
        }
        return (changed ? restored : text, errors)
    }
}
