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
    /// Which hosts remote plugins may call; the host config's reload replaces it.
    let remotePolicy: LiveRemotePluginPolicy
    /// The Bot API servers a brand's manifest may name; the host config's reload replaces it.
    let brandBotAPIServers: LiveBrandBotAPIServers
    /// Each file's outcome by its stamp and bytes, shared by every copy of this loader: a
    /// rescan reads only the files that were written and validates only those that changed.
    let cache: ManifestCache

    /// Creates a loader reading `${VAR}` values from `environment`.
    init(
        registry: PluginRegistry, environment: [String: String] = ProcessInfo.processInfo.environment,
        remotePolicy: LiveRemotePluginPolicy = LiveRemotePluginPolicy(),
        brandBotAPIServers: LiveBrandBotAPIServers = LiveBrandBotAPIServers(), cache: ManifestCache = ManifestCache()
    ) {
        self.cache = cache
        self.registry = registry
        self.environment = environment
        self.remotePolicy = remotePolicy
        self.brandBotAPIServers = brandBotAPIServers
    }

    /// Loads one manifest file.
    func load(file: String) -> Result<LoadedBot, ManifestErrors> {
        result(of: outcome(file: file))
    }

    /// Validates manifest text without reading a manifest file (a host's text still reads
    /// `token_file`, relative to `fileName`'s folder; a brand's reads nothing).
    func validate(yaml: String, fileName: String, source: ManifestSource = .host) -> Result<LoadedBot, ManifestErrors> {
        result(of: outcome(yaml: yaml, fileName: fileName, source: source))
    }

    /// Validates manifest text like ``validate(yaml:fileName:source:)`` on a thread of its own,
    /// one text at a time, off the cooperative pool that serves requests: however long a text
    /// takes, `/healthz` and the bots keep their threads.
    func validateAway(yaml: String, fileName: String, source: ManifestSource) async -> ManifestValidation.Outcome {
        await Self.away { outcome(yaml: yaml, fileName: fileName, source: source) }
    }

    /// Runs `work` over submitted manifest text (parsing, editing) on the thread texts are
    /// validated on, one at a time, off the cooperative pool.
    static func away<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            validationQueue.async { continuation.resume(returning: work()) }
        }
    }

    /// Where submitted texts are validated, one at a time.
    private static let validationQueue = DispatchQueue(label: "aviary.manifest-validation", qos: .utility)

    /// The whole outcome of validating one file, with the lines scans need.
    func outcome(file: String) -> ManifestValidation.Outcome {
        // Stamped before reading: a write after the stamp moves it, so the next scan reads again.
        let stamp = FileStamp(path: file)
        let policy = remotePolicy.current
        if let kept = cache.outcome(file: file, stamp: stamp, policy: policy) { return kept }
        guard let data = Self.contents(of: file) else {
            return .init(errors: [
                ManifestError(
                    file: file,
                    line: nil,
                    key: nil,
                    message: "cannot read the file; check that it exists and is readable"
                )
            ])
        }
        let limit = YAMLLimits.manifest.maximumBytes
        guard data.count <= limit else {
            return .init(errors: [
                ManifestError(
                    file: file,
                    line: nil,
                    key: nil,
                    message: "the file has more than \(limit) bytes; manifests may have at most \(limit) bytes "
                        + "(\(limit >> 10) KiB)"
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
        return cache.outcome(file: file, stamp: stamp, bytes: data, policy: policy) {
            outcome(yaml: text, fileName: file, policy: policy)
        }
    }

    private func outcome(
        yaml: String, fileName: String, source: ManifestSource = .host, policy: RemotePluginPolicy? = nil
    ) -> ManifestValidation.Outcome {
        var validation = ManifestValidation(
            file: fileName, source: source, environment: environment, registry: registry,
            remotePolicy: policy ?? remotePolicy.current, brandBotAPIServers: brandBotAPIServers.current)
        return validation.run(yaml: yaml)
    }

    /// The file's bytes, or `nil` when it cannot be read; a file larger than a manifest may be
    /// is read only that far and more, so that the size check refuses it without reading it all.
    private static func contents(of file: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: YAMLLimits.manifest.maximumBytes + 1) ?? Data()
    }

    private func result(of outcome: ManifestValidation.Outcome) -> Result<LoadedBot, ManifestErrors> {
        if let bot = outcome.bot { return .success(bot) }
        return .failure(ManifestErrors(errors: outcome.errors))
    }
}
