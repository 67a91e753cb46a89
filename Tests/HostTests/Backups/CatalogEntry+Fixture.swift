@testable import Host

extension CatalogEntry {
    /// A catalog entry of `bot` taken at `stamp` (`YYYYMMDDTHHMMSS.mmmZ`), with made-up sums.
    static func fixture(bot: String, stamp: String) -> CatalogEntry {
        let name = SnapshotName(parsing: "\(bot)-\(stamp)")!
        return CatalogEntry(
            name: name.description,
            bot: bot,
            takenAt: name.isoTime,
            size: 1,
            sha256: String(repeating: "a", count: 64),
            manifestSHA256: String(repeating: "b", count: 64),
            migrations: [],
            pendingUpdates: 0,
            pendingReplies: 0
        )
    }
}
