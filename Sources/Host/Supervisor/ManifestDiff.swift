import Foundation

/// What changed between two versions of a manifest, one line per setting, with the token and
/// credential-like settings masked as the API shows them, and values read from the environment
/// shown as the `${…}` that read them.
enum ManifestDiff {
    /// Lines such as `plugins[0].settings.greeting: "Hi" → "Hello"`, sorted by setting; one
    /// line saying so when only a masked value changed.
    static func changes(from old: BotManifest, to new: BotManifest) -> [String] {
        let before = flatten(ManifestView(old.shown))
        let after = flatten(ManifestView(new.shown))
        let lines = Set(before.keys).union(after.keys).sorted().compactMap { key -> String? in
            switch (before[key], after[key]) {
            case let (was?, now?) where was != now: "\(key): \(was) → \(now)"
            case (let was?, nil): "\(key): \(was) → (removed)"
            case (nil, let now?): "\(key): (added) → \(now)"
            default: nil
            }
        }
        if lines.isEmpty, old != new { return ["a masked setting changed (the token or a credential)"] }
        return lines
    }

    /// Every leaf of the manifest as shown by the API: dotted path → JSON text.
    private static func flatten(_ view: ManifestView) -> [String: String] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(view), let tree = try? JSONSerialization.jsonObject(with: data) else {
            return [:]
        }
        var leaves: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]:
                if object.isEmpty { leaves[path] = "{}" }
                for (key, child) in object { walk(child, path.isEmpty ? key : "\(path).\(key)") }
            case let array as [Any]:
                if array.isEmpty { leaves[path] = "[]" }
                for (index, child) in array.enumerated() { walk(child, "\(path)[\(index)]") }
            default:
                let text = (try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
                leaves[path] = text
            }
        }
        walk(tree, "")
        leaves["file"] = nil
        return leaves
    }
}
