import Plugins
import Tenant
import Yams

extension ManifestValidation {
    /// A plugin the manifest lists, created from its settings.
    struct BuiltPlugin {
        /// The entry as written.
        var spec: BotManifest.PluginSpec
        /// The plugin, created from its settings.
        var plugin: any Plugin
        /// Its schema steps.
        var migrations: [PluginMigration]
    }

    /// Whether a top-level key is an unknown one whose suggestion is `key`, so that its own
    /// "unknown key; did you mean" error already says what is missing, with its line.
    func mistypedKeys(meaning key: String) -> Bool {
        let known = ManifestDocument.CodingKeys.allCases.map(\.stringValue)
        guard let mapping = root.mapping else { return false }
        return mapping.keys.contains { node in
            guard let name = node.string, !known.contains(name) else { return false }
            return Suggestion.closest(to: name, among: known) == key
        }
    }

    /// Reads `plugins:`: each entry is a bare name (`- echo`) or a one-key mapping
    /// (`- replies: {…}`). Each plugin's settings decode into its `Configuration` and the plugin
    /// is created, so a wrong setting is refused now, not when the first message arrives.
    mutating func buildPlugins(present: Bool, descriptor: BotDescriptor) -> [BuiltPlugin] {
        guard present, let list = root.mapping?["plugins"] else {
            // A mistyped `plugins` (`plugns:`) already has its error, with its line and the
            // suggestion; a second one without a line would only hide it.
            if !mistypedKeys(meaning: "plugins") {
                fail(nil, "plugins", "no plugins: list the plugins to run, in order (for example: plugins: [echo])")
            }
            return []
        }
        guard case .sequence(let entries) = list, !entries.isEmpty else {
            fail(
                list.line,
                "plugins",
                "expected a list of plugins, in order (for example: [echo]), found \(list.summary)"
            )
            return []
        }
        var built: [BuiltPlugin] = []
        var seen: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            guard let (name, settings) = split(entry, at: index), let registered = plugin(named: name, at: index, entry)
            else { continue }
            let spec = BotManifest.PluginSpec(name: name, configuration: settings, interpolation: interpolation)
            guard var plugin = make(registered, settings: spec.configuration, at: index, entry, descriptor: descriptor)
            else { continue }
            if let first = seen[plugin.instanceName] {
                fail(
                    entry.line,
                    "plugins[\(index)]",
                    "plugin '\(plugin.instanceName)' is listed twice (also plugins[\(first)]); list each plugin once"
                )
                continue
            }
            seen[plugin.instanceName] = index
            if let remote = plugin as? RemotePlugin {
                guard let resolved = resolve(remote, at: index, entry, brand: descriptor.brand) else { continue }
                plugin = resolved
            }
            built.append(BuiltPlugin(spec: spec, plugin: plugin, migrations: registered.migrations))
        }
        checkCombinedWait(of: built, list: list)
        return built
    }

    /// The entry's plugin name and settings node.
    private mutating func split(_ entry: Node, at index: Int) -> (String, Node?)? {
        switch entry {
        case .scalar(let scalar) where !entry.isNull:
            return (scalar.string, nil)
        case .mapping(let mapping) where mapping.count == 1:
            guard let pair = mapping.first, let name = pair.key.scalar?.string else { break }
            return (name, pair.value)
        case .mapping(let mapping) where mapping.count > 1:
            let names = mapping.keys.map { "'\($0.scalar?.string ?? $0.summary)'" }
            fail(
                entry.line,
                "plugins[\(index)]",
                "a plugin entry has one key, the plugin's name, but this one has \(names.joined(separator: ", ")); "
                    + "indent the settings under the plugin's name"
            )
            return nil
        default:
            break
        }
        fail(entry.line, "plugins[\(index)]", "expected a plugin name or 'name: {settings}', found \(entry.summary)")
        return nil
    }

    private mutating func plugin(named name: String, at index: Int, _ entry: Node) -> PluginRegistry.Entry? {
        if let registered = registry.entry(named: name) { return registered }
        let names = registry.names
        fail(
            entry.line,
            "plugins[\(index)]",
            "unknown plugin '\(name)'" + Suggestion.hint(for: name, among: names)
                + " (available: \(names.isEmpty ? "none" : names.joined(separator: ", ")))"
        )
        return nil
    }

    private mutating func make(
        _ registered: PluginRegistry.Entry,
        settings: Node?,
        at index: Int,
        _ entry: Node,
        descriptor: BotDescriptor
    ) -> (any Plugin)? {
        let name = registered.name
        let path: [PathComponent] = [.key("plugins"), .index(index), .key(name)]
        let key = PathComponent.format(path)
        if !registered.takesSettings, let settings, settings.mapping?.isEmpty != true {
            fail(settings.line ?? entry.line, key, "plugin '\(name)' takes no settings; write '- \(name)'")
            return nil
        }
        let node = settings ?? .mapping(.init([]))
        let context = NodeDecodingContext(interpolation: interpolation)
        let decoder = NodeDecoder(node: node, path: path, context: context)
        do throws(PluginBuildFailure) {
            let plugin = try registered.make(decoder, descriptor)
            let unknown = context.unknownKeyErrors(decodingFailed: false)
            record(unknown)
            return unknown.isEmpty ? plugin : nil
        } catch {
            report(error, context: context, settings: node, under: key, entry)
        }
        return nil
    }

    private mutating func report(
        _ failure: PluginBuildFailure,
        context: NodeDecodingContext,
        settings: Node,
        under key: String,
        _ entry: Node
    ) {
        let (error, decodingFailed): (any Error, Bool)
        switch failure {
        case .settings(let decoding): (error, decodingFailed) = (decoding, true)
        case .plugin(let refusal): (error, decodingFailed) = (refusal, false)
        }
        switch error {
        case let error as LocatedError:
            record([LocatedError(line: error.line ?? entry.line, path: error.path, message: error.message)])
        case let error as PluginConfigurationError:
            refuse(error, in: settings, under: key, entry)
        default:
            fail(settings.line ?? entry.line, key, "\(error)")
        }
        record(context.unknownKeyErrors(decodingFailed: decodingFailed))
    }

    /// Locates a plugin's own complaint at the setting it names.
    private mutating func refuse(_ error: PluginConfigurationError, in settings: Node, under key: String, _ entry: Node)
    {
        let located = error.key.flatMap { settings.locate($0) } ?? settings
        fail(located.line ?? entry.line, key + (error.key.map { ".\($0)" } ?? ""), error.message)
    }
}
