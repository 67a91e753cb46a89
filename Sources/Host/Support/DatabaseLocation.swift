import Foundation

/// Where a bot's database really is once symbolic links are followed.
///
/// The manifest's `database:` is checked as written when it loads (relative, no `..`); a
/// folder inside the data folder that is a symbolic link to elsewhere is only seen on disk,
/// so this check runs when the bot starts.
enum DatabaseLocation {
    /// Where `path` leads outside `dataDirectory`, or `nil` when it stays inside.
    ///
    /// Follows the links of the deepest part of `path` that exists (the file itself, or the
    /// folders it would be created in). A data folder that does not exist yet holds no links.
    static func escape(of path: String, from dataDirectory: String) -> String? {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: dataDirectory) else { return nil }
        let root = resolved(dataDirectory)
        var existing = (path as NSString).standardizingPath
        while !fileManager.fileExists(atPath: existing) && existing != "/" && !existing.isEmpty {
            existing = (existing as NSString).deletingLastPathComponent
        }
        let real = resolved(existing)
        return real == root || real.hasPrefix(root + "/") ? nil : real
    }

    private static func resolved(_ path: String) -> String {
        guard let real = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(real) }
        return String(cString: real)
    }
}
