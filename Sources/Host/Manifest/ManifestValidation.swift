import Foundation
import Tenant
import Yams

/// One manifest's validation pass, collecting every error instead of stopping at the first.
struct ManifestValidation {
    /// What a pass produced: the bot, or the errors; and where the keys that must be unique
    /// across files are, to locate conflicts found later.
    struct Outcome {
        /// The bot, when the manifest has no error.
        var bot: LoadedBot?
        /// Every error, in line order.
        var errors: [ManifestError]
        /// The line of `id`, when written.
        var idLine: Int?
        /// The key the token came from, `token` or `token_file`, when written.
        var tokenKey: String?
        /// The line of that key's value.
        var tokenLine: Int?
    }

    /// The manifest's file, for errors and for `token_file` paths.
    let file: String
    /// Expands `${VAR}` in values.
    let interpolation: Interpolation
    /// The plugins manifests may list.
    let registry: PluginRegistry
    private(set) var errors: [ManifestError] = []
    /// The document's root mapping, once parsed.
    private(set) var root: Node = .mapping(.init([]))

    /// A pass over `file`, reading variables from `environment`.
    init(file: String, environment: [String: String], registry: PluginRegistry) {
        self.file = file
        self.interpolation = Interpolation(environment: environment)
        self.registry = registry
    }

    /// Validates `yaml`: parses it, decodes every field, checks each, builds the plugins.
    mutating func run(yaml: String) -> Outcome {
        let bot = parse(yaml).flatMap { validate($0) }
        let ordered = errors.enumerated().sorted {
            ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset)
        }
        let tokenKey = ["token", "token_file"].first { root.mapping?[$0] != nil }
        return Outcome(
            bot: errors.isEmpty ? bot : nil,
            errors: ordered.map(\.element),
            idLine: line(of: "id"),
            tokenKey: tokenKey,
            tokenLine: tokenKey.flatMap { line(of: $0) }
        )
    }

    private mutating func parse(_ yaml: String) -> ManifestDocument? {
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
        manifest.limits = validatedLimits(document.delivery)
        switch manifest.platform {
        case .telegram:
            manifest.token = validatedToken(document)
        case .sandbox:
            for key in ["token", "token_file", "telegram"] where root.mapping?[key] != nil {
                fail(line(of: key), key, "a sandbox bot lives inside the host and has no \(key); remove it, or use platform: telegram")
            }
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
            migrations: plugins.map { PluginMigrations(pluginName: $0.spec.name, steps: $0.migrations) },
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

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            "the key \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) appears more than once "
                + "in one mapping; keep one"
        default:
            "not valid YAML: \(error)"
        }
    }
}
