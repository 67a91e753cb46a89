import Foundation
#if canImport(Plugins)
    // The fuzz target compiles this file together with the reader, in one module without Plugins.
    @testable import Plugins
#endif

/// `JSONSerialization` as the oracle of ``RemoteJSONReader``: shared by its hostile-input tests
/// and its fuzz target (`scripts/fuzz.sh remotejson`).
enum RemoteJSONOracle {
    /// What `JSONSerialization` reads from `bytes`, `nil` when it refuses them.
    static func read(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Whether the reader's value is the one `JSONSerialization` read: the same kinds, strings
    /// and keys, and numbers equal to within the last bit of a double.
    static func same(_ json: RemoteJSON, _ other: Any) -> Bool {
        switch json.kind {
        case .null: return other is NSNull
        case .bool(let bool): return isBool(other) && (other as? Bool) == bool
        case .number(let number):
            guard !isBool(other), let expected = (other as? NSNumber)?.doubleValue else { return false }
            return number == expected || abs(number - expected) <= abs(expected) * 1e-15
        case .string(let string): return (other as? String) == string
        case .array(let items):
            guard let others = other as? [Any], others.count == items.count else { return false }
            return zip(items, others).allSatisfy { same($0, $1) }
        case .object(let members):
            guard let others = other as? [String: Any], others.count == members.count else { return false }
            return members.allSatisfy { member in others[member.key].map { same(member.value, $0) } ?? false }
        }
    }

    /// Whether `value` is JSON's `true` or `false` (Foundation gives those as numbers too).
    private static func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return type(of: value) == Bool.self || String(cString: number.objCType) == "c"
    }
}
