import Foundation
import Tenant
import Yams

/// One manifest's validation pass, collecting every error instead of stopping at the first.
struct ManifestValidation {
    /// What a pass produced: the bot, or the errors; and where the keys that must be unique
    /// across files are, to locate conflicts found later.
    struct Outcome: Sendable {
        /// The bot, when the manifest has no error.
        var bot: LoadedBot?
        /// Every error, in line order; none quotes a value read from the environment.
        var errors: [ManifestError]
        /// Whether the text was a YAML mapping, within the size limits (whatever its fields).
        var isMapping = false
        /// The line of `id`, when written.
        var idLine: Int?
        /// The key the token came from, `token` or `token_file`, when written.
        var tokenKey: String?
        /// The line of that key's value.
        var tokenLine: Int?
        /// The line of `database`, when written.
        var databaseLine: Int?
        /// The line of `matrix.localpart`, when written.
        var localpartLine: Int?
        /// Whether validating read a file besides the manifest (a remote plugin's `secret_file`).
        var readOtherFiles = false
    }

    /// The manifest's file, for errors and for `token_file` paths.
    let file: String
    /// Who wrote the text: what it may read from the host.
    let source: ManifestSource
    /// Expands `${VAR}` in values.
    let interpolation: Interpolation
    /// The plugins manifests may list.
    let registry: PluginRegistry
    /// Which hosts remote plugins may call.
    let remotePolicy: RemotePluginPolicy
    /// The Bot API servers a brand's text may name.
    let brandBotAPIServers: BrandBotAPIServers
    private(set) var errors: [ManifestError] = []
    /// The document's root mapping, once parsed.
    private(set) var root: Node = .mapping(.init([]))

    /// What the document read from the environment, hidden from every error and view.
    private(set) var redaction = Redaction()
    /// Whether the text parsed as a mapping within the limits.
    private(set) var isMapping = false
    /// Whether a file besides the manifest was read (a remote plugin's `secret_file`).
    var readOtherFiles = false

    /// A pass over `file` written by `source`, reading variables from `environment` when it may.
    init(
        file: String, source: ManifestSource = .host, environment: [String: String], registry: PluginRegistry,
        remotePolicy: RemotePluginPolicy = RemotePluginPolicy(),
        brandBotAPIServers: BrandBotAPIServers = BrandBotAPIServers()
    ) {
        self.file = file
        self.source = source
        self.interpolation = source.interpolation(environment: environment)
        self.registry = registry
        self.remotePolicy = remotePolicy
        self.brandBotAPIServers = brandBotAPIServers
    }

    /// Validates `yaml`: parses it, decodes every field, checks each, builds the plugins.
    ///
    /// Every error passes through the document's ``Redaction``: none quotes a value read from
    /// the environment, only the `${…}` that read it.
    mutating func run(yaml: String) -> Outcome {
        let document = parse(yaml)
        var bot = document.flatMap { validate($0) }
        bot?.manifest.redaction = redaction
        let ordered = errors.enumerated().sorted {
            ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset)
        }
        let tokenKey = ["token", "token_file"].first { root.mapping?[$0] != nil }
        return Outcome(
            bot: errors.isEmpty ? bot : nil,
            errors: ordered.map { entry in
                var error = entry.element
                error.message = redaction.apply(error.message)
                return error
            },
            isMapping: isMapping,
            idLine: line(of: "id"),
            tokenKey: tokenKey,
            tokenLine: tokenKey.flatMap { line(of: $0) },
            databaseLine: line(of: "database"),
            localpartLine: line(of: "matrix.localpart"),
            readOtherFiles: readOtherFiles
        )
    }

    private mutating func parse(_ yaml: String) -> ManifestDocument? {
        if let refusal = YAMLPreflight.refusal(of: yaml, limits: .manifest) {
            fail(refusal.line, nil, refusal.message)
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                fail(nil, nil, "the manifest is empty; it needs at least a token and a list of plugins")
                return nil
            }
            root = node
        } catch let error as YamlError {
            fail(Self.line(of: error), nil, Self.problem(of: error))
            return nil
        } catch {
            fail(nil, nil, "not valid YAML: \(error)")
            return nil
        }
        guard case .mapping = root else {
            fail(root.line, nil, "expected a mapping of keys (id, token, plugins, …), found \(root.summary)")
            return nil
        }
        isMapping = true
        redaction = Redaction(node: root, interpolation: interpolation)
        let context = NodeDecodingContext(interpolation: interpolation)
        do {
            let document = try NodeDecoder(node: root, path: [], context: context).decode(ManifestDocument.self)
            record(context.unknownKeyErrors(decodingFailed: false) + context.fieldErrors)
            return document
        } catch {
            record(context.unknownKeyErrors(decodingFailed: true) + context.fieldErrors)
            fail(root.line, nil, "\(error)")
            return nil
        }
    }

    private mutating func validate(_ document: ManifestDocument) -> LoadedBot? {
        var manifest = BotManifest(id: validatedID(document.id), name: "", file: file)
        manifest.name = validatedName(document.name) ?? manifest.id
        manifest.brand = document.brand
        manifest.enabled = document.enabled ?? true
        manifest.platform = validatedPlatform(document.platform)
        manifest.telegram = validatedTelegram(document.telegram)
        manifest.admins = document.admins ?? []
        manifest.locale = validatedLocale(document.locale)
        manifest.timeZone = validatedTimeZone(document.timeZone) ?? manifest.timeZone
        manifest.database = validatedDatabase(document.database)
        refuseReservedDatabase(manifest)
        manifest.limits = validatedLimits(
            document.delivery, defaults: manifest.platform == .matrix ? .matrix : DeliveryLimits())
        refuseHostReferences()
        manifest.retention = validatedRetention(document.retention)
        switch manifest.platform {
        case .telegram:
            manifest.token = validatedToken(document)
        case .sandbox:
            for key in ["token", "token_file", "telegram"] where root.mapping?[key] != nil {
                fail(line(of: key), key, "a sandbox bot lives inside the host and has no \(key); remove it, or use platform: telegram")
            }
        case .matrix:
            manifest.matrix = validatedMatrix(document.matrix)
        }
        if manifest.platform != .matrix, root.mapping?["matrix"] != nil {
            fail(line(of: "matrix"), "matrix", "only a platform: matrix bot has a matrix block; remove it, or add platform: matrix")
        }

        let descriptor = BotDescriptor(
            id: manifest.id,
            name: manifest.name,
            brand: manifest.brand,
            locale: manifest.locale,
            timeZone: manifest.timeZone,
            admins: Set(manifest.admins)
        )
        let plugins = buildPlugins(present: document.hasPlugins, descriptor: descriptor)
        manifest.plugins = plugins.map(\.spec)
        guard errors.isEmpty else { return nil }
        return LoadedBot(
            manifest: manifest,
            plugins: plugins.map(\.plugin),
            // A plugin listed several times (remote plugins) migrates its tables once.
            migrations: plugins.reduce(into: []) { list, built in
                guard !list.contains(where: { $0.pluginName == built.spec.name }) else { return }
                list.append(PluginMigrations(pluginName: built.spec.name, steps: built.migrations))
            },
            interests: plugins.reduce(into: Set<UpdateKind>()) { $0.formUnion($1.plugin.interests) },
            descriptor: descriptor
        )
    }

    // MARK: Errors

    /// Records an error at `line` and `key`.
    mutating func fail(_ line: Int?, _ key: String?, _ message: String) {
        errors.append(ManifestError(file: file, line: line, key: key, message: message))
    }

    /// Records decoding errors.
    mutating func record(_ located: [LocatedError]) {
        for error in located {
            fail(error.line, error.path.isEmpty ? nil : error.path, error.message)
        }
    }

    /// The line of the value at a key path, when it is in the document.
    func line(of path: String) -> Int? {
        root.locate(path)?.line
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        case .reader(_, let offset?, _, let yaml): yaml.utf8.prefix(offset).count { $0 == UInt8(ascii: "\n") } + 1
        default: nil
        }
    }

    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            "not valid YAML: \(problem)"
        case .reader(let problem, _, _, _):
            // Only the problem: the error's own description quotes the text, which may hold a secret.
            "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            "the key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) appears more than once "
                + "in one mapping; keep one"
        default:
            "not valid YAML: \(error)"
        }
    }
}
