import Yams

// libFuzzer target: the parsing half of the manifest loader (Sources/Host/Manifest): Yams and
// libyaml reading the document, `NodeDecoder` decoding `ManifestDocument` with its located and
// unknown-key errors, `${VAR}` interpolation, key-path location of errors, and the canonical form
// of each plugin's settings that decides whether a reload restarts a bot.
//
// `ManifestValidation` itself needs the plugin registry, which brings every plugin and so the
// whole Tenant and Storage stack; this target follows its `parse` step and `PluginSpec` instead
// (the field checks and the plugins' own settings are covered by the HostTests suites).
//
// Invariants: nothing traps; parsing fails only with `YamlError` and decoding only with
// `LocatedError`; every error's line is in the document; every error's key path can be looked
// up; and the work is bounded (a hang or a blow-up is a libFuzzer timeout or out-of-memory).

/// The environment `${VAR}` reads from.
private let environment = [
    "BOT_TOKEN": "123456:AAEexampleexampleexampleexampleexample", "EMPTY": "", "DOLLAR": "$",
]

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzManifest(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let yaml = FuzzInput(data, count).text
    // The last line an error may name: libyaml counts \r\n, \r, \n, NEL, LS and PS as line
    // breaks, and ends the stream on a line of its own.
    let lines = yaml.unicodeScalars.count { ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) } + 2
    // What `ManifestValidation` checks first: a refused document is never composed.
    if YAMLPreflight.refusal(of: yaml, limits: .manifest) != nil { return 0 }
    let root: Node
    do {
        guard let node = try Yams.compose(yaml: yaml) else { return 0 }
        root = node
    } catch {
        invariant(error is YamlError, "parsing threw \(type(of: error)), not YamlError: \(error)")
        return 0
    }
    guard case .mapping = root else { return 0 }

    let context = NodeDecodingContext(interpolation: Interpolation(environment: environment))
    var errors: [LocatedError] = []
    var document: ManifestDocument?
    do {
        document = try NodeDecoder(node: root, path: [], context: context).decode(ManifestDocument.self)
    } catch let error as LocatedError {
        errors.append(error)
    } catch {
        invariant(false, "decoding threw \(type(of: error)), not LocatedError: \(error)")
    }
    errors += context.fieldErrors + context.unknownKeyErrors(decodingFailed: document == nil)
    for error in errors {
        invariant(error.line.map { (1...lines).contains($0) } ?? true, "error line \(error.line!) of \(lines)")
        if let located = root.locate(error.path), let line = located.line {
            invariant((1...lines).contains(line), "located line \(line) of \(lines)")
        }
    }

    // What `PluginSpec` does with each entry of `plugins:`.
    if case .sequence(let entries)? = root.mapping?["plugins"] {
        let interpolation = Interpolation(environment: environment)
        for entry in entries {
            guard case .mapping(let mapping) = entry, let settings = mapping.first?.value else { continue }
            let canonical = settings.resolvingTags().canonical(expanding: interpolation)
            invariant(!canonical.isEmpty, "empty canonical form")
        }
    }
    return 0
}
