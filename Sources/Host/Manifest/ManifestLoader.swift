import Foundation
import Tenant

/// Loads and validates bot manifests: every error names the file, the line and the key.
///
/// ```swift
/// let scan = ManifestLoader(registry: .builtIn()).scan(directory: "bots.d")
/// for error in scan.errors { print(error) }   // bots.d/han-ru.yaml:7: plugns: unknown key; …
/// ```
struct ManifestLoader: Sendable {
    /// The plugins manifests may list.
    let registry: PluginRegistry
    /// Where `${VAR}` values come from.
    let environment: [String: String]

    /// Creates a loader reading `${VAR}` values from `environment`.
    init(registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    /// Loads one manifest file.
    func load(file: String) -> Result<LoadedBot, ManifestErrors> {
        result(of: outcome(file: file))
    }

    /// Validates manifest text without reading a manifest file (`token_file` is still read,
    /// relative to `fileName`'s folder).
    func validate(yaml: String, fileName: String) -> Result<LoadedBot, ManifestErrors> {
        result(of: outcome(yaml: yaml, fileName: fileName))
    }

    /// The whole outcome of validating one file, with the lines scans need.
    func outcome(file: String) -> ManifestValidation.Outcome {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .init(errors: [
                ManifestError(
                    file: file,
                    line: nil,
                    key: nil,
                    message: "cannot read the file; check that it exists and is readable"
                )
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .init(errors: [
                ManifestError(
                    file: file,
                    line: nil,
                    key: nil,
                    message: "the file is not UTF-8 text; save it as UTF-8"
                )
            ])
        }
        return outcome(yaml: text, fileName: file)
    }

    private func outcome(yaml: String, fileName: String) -> ManifestValidation.Outcome {
        var validation = ManifestValidation(file: fileName, environment: environment, registry: registry)
        return validation.run(yaml: yaml)
    }

    private func result(of outcome: ManifestValidation.Outcome) -> Result<LoadedBot, ManifestErrors> {
        if let bot = outcome.bot { return .success(bot) }
        return .failure(ManifestErrors(errors: outcome.errors))
    }
}
