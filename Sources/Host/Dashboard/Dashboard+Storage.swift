import Foundation

/// The database sizes of the bots table and the bot page's "Storage and backups" lines.
extension Dashboard {
    /// The database's size on disk, then the last scheduled backup and the last failure.
    func storageLines(_ id: String, backup: BackupView?) -> [String] {
        var lines: [String] = []
        if let manifest = api.supervisor.table[id]?.manifest {
            let bytes = MetricsEndpoint.bytesOnDisk(api.supervisor.options.databasePath(for: manifest))
            lines.append(
                bytes > 0
                    ? "Database: \(Self.databaseSize(bytes)) on disk."
                    : "Database: none yet (the bot has stored nothing)."
            )
        }
        guard let backup else {
            lines.append("No scheduled backup yet (see backups: in the host config).")
            return lines
        }
        if let at = backup.lastSuccessAt {
            let size = backup.lastSizeBytes.map { ", \($0.formatted(.byteCount(style: .file)))" } ?? ""
            lines.append("Last backup: \(at.formatted(.iso8601))\(size).")
        }
        if let at = backup.lastFailureAt {
            lines.append(
                "Last failure: \(at.formatted(.iso8601)): \(backup.lastFailure ?? "unknown") (\(backup.failures) in all)."
            )
        }
        return lines
    }

    /// A database's size as the dashboard shows it (`96 KB`), `-` for none.
    static func databaseSize(_ bytes: Int64) -> String {
        bytes > 0 ? bytes.formatted(.byteCount(style: .file)) : "-"
    }
}
