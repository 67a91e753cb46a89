import Foundation
import Tenant
import Yams

/// One manifest's validation pass, collecting every error instead of stopping at the first.
struct ManifestValidation {
    let file: String
    let environment: [String: String]
    let registry: PluginRegistry
    private(set) var errors: [ManifestError] = []
    private var root: Node = .mapping(.init([]))

    init(file: String, environment: [String: String], registry: PluginRegistry) {
        self.file = file
        self.environment = environment
        self.registry = registry
    }

    /// `[a-z0-9][a-z0-9-]{0,62}`.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 63 else { return false }
        let lower = { (c: Unicode.Scalar) in ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        return lower(first) && id.unicodeScalars.allSatisfy { lower($0) || $0 == "-" }
    }

    /// `<digits>:<30+ of A-Za-z0-9_->`, as @BotFather issues them.
    static func looksLikeToken(_ token: String) -> Bool {
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy(\.isASCII), parts[0].allSatisfy(\.isNumber),
            parts[1].count >= 30
        else { return false }
        return parts[1].unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    mutating func run(yaml: String) -> LoadedBot? {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                fail(nil, nil, "the manifest is empty; it needs at least a token and a plugin")
                return nil
            }
            root = node
        } catch let error as YamlError {
            fail(Self.line(of: error), nil, "not valid YAML: \(Self.problem(of: error))")
            return nil
        } catch {
            fail(nil, nil, "not valid YAML: \(error)")
            return nil
        }
        guard case .mapping = root else {
            fail(root.mark?.line, nil, "expected a mapping of keys (id, token, plugins, …), found \(root.summary)")
            return nil
        }
        let context = NodeDecodingContext(interpolation: Interpolation(environment: environment))
        let document: ManifestDocument
        do {
            document = try NodeDecoder(node: root, path: [], context: context).decode(ManifestDocument.self)
        } catch let error as LocatedError {
            record(context.unknownKeyErrors + [error])
            return nil
        } catch {
            fail(nil, nil, "\(error)")
            return nil
        }
        record(context.unknownKeyErrors + context.fieldErrors)
        let failedFields = Set(context.fieldErrors.map(\.path))

        var manifest = BotManifest(id: "", name: "", file: file)
        manifest.id = validatedID(document.id)
        manifest.name = document.name ?? manifest.id
        manifest.brand = document.brand
        manifest.enabled = document.enabled ?? true
        manifest.locale = document.locale
        manifest.database = document.database
        manifest.admins = document.admins ?? []
        if let platform = document.platform {
            if let value = BotManifest.Platform(rawValue: platform) {
                manifest.platform = value
            } else {
                fail(line(of: "platform"), "platform", "unknown platform '\(platform)'; use telegram or sandbox")
            }
        }
        if manifest.platform == .sandbox {
            fail(line(of: "platform"), "platform",
                 "the sandbox platform is not available in this build yet; use platform: telegram")
        }
        manifest.telegram = validatedTelegram(document.telegram)
        if !failedFields.contains("token") && !failedFields.contains("token_file") {
            manifest.token = validatedToken(document)
        }
        manifest.limits = validatedLimits(document.delivery)

        let descriptor = BotDescriptor(
            id: manifest.id, name: manifest.name, brand: manifest.brand, locale: manifest.locale,
            admins: Set(manifest.admins))
        let (specs, plugins) = buildPlugins(descriptor: descriptor, context: context)
        manifest.plugins = specs
        guard errors.isEmpty else { return nil }
        let migrations = plugins.map { PluginMigrations(pluginName: type(of: $0).name, steps: type(of: $0).migrations) }
        return LoadedBot(manifest: manifest, plugins: plugins, migrations: migrations, descriptor: descriptor)
    }

    // MARK: Fields

    private mutating func validatedID(_ id: String?) -> String {
        if let id {
            if !Self.isValidID(id) {
                fail(line(of: "id"), "id", "'\(id)' is not a valid id; use 1–63 of a-z, 0-9 and '-', starting with a letter or digit")
            }
            return id
        }
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if !Self.isValidID(base) {
            fail(nil, "id", "the file name '\(base)' is not a valid id; rename the file or set id: (a-z, 0-9, '-')")
        }
        return base
    }

    private mutating func validatedTelegram(_ settings: ManifestDocument.Telegram?) -> BotManifest.TelegramSettings {
        var result = BotManifest.TelegramSettings()
        guard let settings else { return result }
        if let api = settings.api_url {
            if let url = URL(string: api), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil {
                result.apiURL = url
            } else {
                fail(line(of: "telegram.api_url"), "telegram.api_url", "'\(api)' is not an http(s) URL")
            }
        }
        if let mode = settings.mode {
            switch BotManifest.Mode(rawValue: mode) {
            case .polling: result.mode = .polling
            case .webhook:
                fail(line(of: "telegram.mode"), "telegram.mode",
                     "webhook mode needs the HTTP surface, not available in this build; use mode: polling")
            case nil:
                fail(line(of: "telegram.mode"), "telegram.mode", "unknown mode '\(mode)'; use polling or webhook")
            }
        }
        if let timeout = settings.poll_timeout {
            if (0...50).contains(timeout) {
                result.pollTimeout = timeout
            } else {
                fail(line(of: "telegram.poll_timeout"), "telegram.poll_timeout",
                     "\(timeout) is out of range; Telegram accepts 0 to 50 seconds")
            }
        }
        return result
    }

    private mutating func validatedToken(_ document: ManifestDocument) -> Secret? {
        var token: String?
        switch (document.token, document.token_file) {
        case (.some, .some):
            fail(line(of: "token_file"), "token_file", "set either token or token_file, not both")
        case (.some(let value), nil):
            token = value
        case (nil, .some(let path)):
            let base = (file as NSString).deletingLastPathComponent
            let full = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
            if let text = try? String(contentsOfFile: full, encoding: .utf8) {
                token = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                fail(line(of: "token_file"), "token_file", "cannot read \(full); check the path and its permissions")
            }
        case (nil, nil):
            fail(nil, "token", "a telegram bot needs a token (token: ${VAR} or token_file: path)")
        }
        guard let token else { return nil }
        let key = document.token != nil ? "token" : "token_file"
        if !Self.looksLikeToken(token) {
            fail(line(of: key), key, "this does not look like a Bot API token (<bot id>:<secret>, as @BotFather gives it)")
            return nil
        }
        return Secret(value: token)
    }

    private mutating func validatedLimits(_ delivery: ManifestDocument.Delivery?) -> DeliveryLimits {
        var limits = DeliveryLimits()
        guard let delivery else { return limits }
        func positive(_ value: Int?, _ key: String) -> Int? {
            guard let value else { return nil }
            if value > 0 { return value }
            fail(line(of: "delivery.\(key)"), "delivery.\(key)", "must be a positive number")
            return nil
        }
        if let value = positive(delivery.private_chat_per_second, "private_chat_per_second") {
            limits.privateChat = RateLimit(value, per: .seconds(1), burst: max(3, value))
        }
        if let value = positive(delivery.group_per_minute, "group_per_minute") {
            limits.group = RateLimit(value, per: .seconds(60), burst: 3)
        }
        if let value = positive(delivery.bot_per_second, "bot_per_second") {
            limits.bot = RateLimit(value, per: .seconds(1), burst: value)
        }
        if let value = positive(delivery.broadcast_per_second, "broadcast_per_second") {
            limits.broadcast = RateLimit(value, per: .seconds(1), burst: value)
        }
        if let value = positive(delivery.max_age_hours, "max_age_hours") {
            limits.maxAge = .seconds(value * 3600)
        }
        return limits
    }

    // MARK: Plugins

    private mutating func buildPlugins(
        descriptor: BotDescriptor, context: NodeDecodingContext
    ) -> ([BotManifest.PluginSpec], [any Plugin]) {
        guard let list = root.mapping?["plugins"] else {
            fail(nil, "plugins", "no plugins: list the plugins to run, in order (for example: plugins: [echo])")
            return ([], [])
        }
        guard case .sequence(let entries) = list else {
            fail(list.mark?.line, "plugins", "expected a list of plugins, found \(list.summary)")
            return ([], [])
        }
        var specs: [BotManifest.PluginSpec] = []
        var plugins: [any Plugin] = []
        var seen = Set<String>()
        for (index, entry) in entries.enumerated() {
            let path = "plugins[\(index)]"
            let name: String
            let configuration: Node
            switch entry {
            case .scalar(let scalar):
                name = scalar.string
                configuration = .mapping(.init([]))
            case .mapping(let mapping) where mapping.count == 1:
                name = mapping.first!.key.scalar?.string ?? ""
                configuration = mapping.first!.value.isNull ? .mapping(.init([])) : mapping.first!.value
            default:
                fail(entry.mark?.line, path, "expected a plugin name or 'name: {settings}', found \(entry.summary)")
                continue
            }
            guard let registered = registry.entries[name] else {
                fail(entry.mark?.line, path, "unknown plugin '\(name)'" + Suggestion.hint(for: name, among: registry.names)
                     + " (available: \(registry.names.joined(separator: ", ")))")
                continue
            }
            guard seen.insert(name).inserted else {
                fail(entry.mark?.line, path, "plugin '\(name)' is listed twice; list each plugin once")
                continue
            }
            if registered.takesNoConfiguration, case .mapping(let mapping) = configuration, mapping.count > 0 {
                fail(configuration.mark?.line, "\(path).\(name)", "plugin '\(name)' takes no settings")
                continue
            }
            let pluginContext = NodeDecodingContext(interpolation: context.interpolation)
            let decoder = NodeDecoder(node: configuration, path: [.index(index), .key(name)], context: pluginContext)
            do {
                let plugin = try registered.make(decoder, descriptor)
                let unknown = pluginContext.unknownKeyErrors
                record(unknown.map { LocatedError(line: $0.line, path: "plugins" + $0.path, message: $0.message) })
                if unknown.isEmpty { plugins.append(plugin) }
            } catch let error as LocatedError {
                record(pluginContext.unknownKeyErrors.map { LocatedError(line: $0.line, path: "plugins" + $0.path, message: $0.message) })
                record([LocatedError(line: error.line ?? entry.mark?.line, path: "plugins" + error.path, message: error.message)])
            } catch let error as PluginConfigurationError {
                let key = "\(path).\(name)" + (error.key.map { ".\($0)" } ?? "")
                let located = error.key.flatMap { configuration.locate($0) } ?? configuration
                fail(located.mark?.line ?? entry.mark?.line, key, error.message)
            } catch {
                fail(entry.mark?.line, "\(path).\(name)", "\(error)")
            }
            specs.append(BotManifest.PluginSpec(
                name: name, canonicalConfiguration: configuration.canonical))
        }
        return (specs, plugins)
    }

    // MARK: Errors

    private mutating func fail(_ line: Int?, _ key: String?, _ message: String) {
        errors.append(ManifestError(file: file, line: line, key: key, message: message))
    }

    private mutating func record(_ located: [LocatedError]) {
        for error in located {
            errors.append(ManifestError(file: file, line: error.line, key: error.path.isEmpty ? nil : error.path,
                                        message: error.message))
        }
    }

    private func line(of path: String) -> Int? {
        root.locate(path)?.mark?.line
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(error)"
        }
    }
}

extension Node {
    /// The node's meaning as text, independent of comments, layout, quoting, flow or block
    /// style and key order: equal for manifests that mean the same.
    var canonical: String {
        switch self {
        case .scalar(let scalar): isNull ? "~" : String(reflecting: scalar.string)
        case .mapping(let mapping):
            "{" + mapping.map { ($0.key.canonical, $0.value.canonical) }.sorted { $0.0 < $1.0 }
                .map { "\($0.0):\($0.1)" }.joined(separator: ",") + "}"
        case .sequence(let sequence): "[" + sequence.map(\.canonical).joined(separator: ",") + "]"
        case .alias: "*"
        }
    }

    /// The node at a key path such as `telegram.poll_timeout` or `buttons[0][1].reply`.
    func locate(_ path: String) -> Node? {
        var node: Node? = self
        var tokens: [PathComponent] = []
        for part in path.split(separator: ".") {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                if bracket > rest.startIndex { tokens.append(.key(String(rest[..<bracket]))) }
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) { tokens.append(.index(index)) }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                tokens.append(.key(String(rest)))
            }
        }
        for token in tokens {
            switch (token, node) {
            case (.key(let key), .mapping(let mapping)?): node = mapping[key]
            case (.index(let index), .sequence(let sequence)?): node = index < sequence.count ? sequence[index] : nil
            default: return nil
            }
        }
        return node
    }
}
