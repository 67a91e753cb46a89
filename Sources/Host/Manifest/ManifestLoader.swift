import Foundation
import Tenant
import Yams

/// Loads and validates bot manifests: every error names the file, the line and the key.
struct ManifestLoader: Sendable {
    let registry: PluginRegistry
    let environment: [String: String]

    /// Creates a loader reading `${VAR}` values from `environment`.
    init(registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.registry = registry
        self.environment = environment
    }

    /// Loads every `*.yaml` and `*.yml` in `directory` (sorted), then refuses manifests that share
    /// an id or a token — both of them, each error naming the other file.
    func scan(directory: String) -> ManifestScan {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
                .map { (directory as NSString).appendingPathComponent($0) }
        } catch {
            return ManifestScan(bots: [], errors: [ManifestError(
                file: directory, line: nil, key: nil,
                message: "cannot read the manifest folder; check --bots-dir (\(error.localizedDescription))")])
        }
        var loaded: [LoadedBot] = []
        var errors: [ManifestError] = []
        for file in files {
            switch load(file: file) {
            case .success(let bot): loaded.append(bot)
            case .failure(let failure): errors += failure.errors
            }
        }
        var refused = Set<String>()
        for (index, bot) in loaded.enumerated() {
            for other in loaded[(index + 1)...] {
                if bot.manifest.id == other.manifest.id {
                    errors.append(conflict(bot, other, key: "id", what: "id '\(bot.manifest.id)'"))
                    errors.append(conflict(other, bot, key: "id", what: "id '\(bot.manifest.id)'"))
                    refused.formUnion([bot.manifest.file, other.manifest.file])
                }
                if let token = bot.manifest.token, token == other.manifest.token {
                    errors.append(conflict(bot, other, key: "token", what: "token (\(token))"))
                    errors.append(conflict(other, bot, key: "token", what: "token (\(token))"))
                    refused.formUnion([bot.manifest.file, other.manifest.file])
                }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1, $0) })
        errors.sort { (order[$0.file] ?? 0, $0.line ?? 0) < (order[$1.file] ?? 0, $1.line ?? 0) }
        return ManifestScan(bots: loaded.filter { !refused.contains($0.manifest.file) }, errors: errors)
    }

    /// Loads one manifest file.
    func load(file: String) -> Result<LoadedBot, ManifestErrors> {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            return .failure(ManifestErrors(errors: [ManifestError(
                file: file, line: nil, key: nil, message: "cannot read the file as UTF-8 text")]))
        }
        return validate(yaml: text, fileName: file)
    }

    /// Validates manifest text without touching the disk (beyond `token_file`).
    func validate(yaml: String, fileName: String) -> Result<LoadedBot, ManifestErrors> {
        var validation = ManifestValidation(file: fileName, environment: environment, registry: registry)
        let bot = validation.run(yaml: yaml)
        if let bot, validation.errors.isEmpty { return .success(bot) }
        return .failure(ManifestErrors(errors: validation.errors.sorted { ($0.line ?? 0) < ($1.line ?? 0) }))
    }

    private func conflict(_ bot: LoadedBot, _ other: LoadedBot, key: String, what: String) -> ManifestError {
        ManifestError(
            file: bot.manifest.file, line: nil, key: key,
            message: "the same \(what) is used by \(other.manifest.file); both manifests are refused until one changes")
    }
}
