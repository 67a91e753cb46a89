import Storage

extension ManifestValidation {
    /// Refuses a bot whose database would be one of the host's own files in `--data-dir`:
    /// `host.sqlite` (the audit log, which a bot would migrate its tables into) or anything in
    /// `secrets/` (the tokens written through the API).
    mutating func refuseReservedDatabase(_ manifest: BotManifest) {
        let file = manifest.databaseFile.lowercased()
        let reserved = HostDatabase.fileName
        guard file == reserved || file.hasPrefix(reserved + "-") || file.hasPrefix("secrets/") else { return }
        let key = manifest.database == nil ? "id" : "database"
        fail(
            line(of: key), key,
            "the database file would be '\(file)', one of the host's own files in --data-dir; "
                + (key == "id" ? "choose another id, or set database:" : "choose another file"))
    }
}
