public import Foundation
import Tenant
public import GRDB

/// Imports the old assistant's per-chat JSON files into the companion's tables.
///
/// The legacy folder holds `girls_data/<chat_id>.json` (profiles), `conversations/<chat_id>.json`
/// (message logs) and `backups/<chat_id>/<date>.json` (older copies of the logs); the shapes
/// are in `docs/readme/import-legacy.md` and ``LegacyRecords``.
///
/// - Idempotent: a message is stored once under a natural key (chat, sender, date, text), and a
///   profile only when the person has none, so a second run, or a backup that repeats a log,
///   adds nothing.
/// - A file that cannot be read is named in the report with the reason; the others go on.
///   Each file is imported in its own transaction.
public struct CompanionLegacyImport: Sendable {
    /// The legacy folder's subfolders, in the order they are imported.
    public static let folders = ["girls_data", "conversations", "backups"]

    /// The legacy folder.
    public let directory: String

    /// An import from `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Imports every file into `database`, whose companion migrations have run.
    ///
    /// - Parameter now: The `updated_at` of imported profiles.
    /// - Throws: ``LegacyImportError`` when the folder holds none of the expected subfolders, or
    ///   a database error (the files imported before it stay imported).
    public func run(into database: any DatabaseWriter, now: Date) async throws -> LegacyImportReport {
        try checkFolder()
        let files = try Self.folders.flatMap { try self.files(in: $0) }
        var report = LegacyImportReport()
        for file in files {
            report.filesRead += 1
            let records: LegacyRecords
            do {
                records = try LegacyRecords.read(file: file, in: directory)
            } catch {
                report.problems.append(.init(file: file, reason: error.reason))
                continue
            }
            let counts = try await database.write { db in try records.store(in: db, at: now) }
            report.profilesImported += counts.profilesImported
            report.profilesPresent += counts.profilesPresent
            report.messagesImported += counts.messagesImported
            report.messagesPresent += counts.messagesPresent
            report.messagesSkipped += records.skippedMessages
        }
        return report
    }

    /// The `.json` files of one subfolder (for `backups`, of its chat folders), relative to the
    /// legacy folder and sorted.
    private func files(in folder: String) throws -> [String] {
        let root = (directory as NSString).appendingPathComponent(folder)
        guard FileManager.default.fileExists(atPath: root) else { return [] }
        let all = try FileManager.default.subpathsOfDirectory(atPath: root)
            .filter { $0.lowercased().hasSuffix(".json") }
        let depth = folder == "backups" ? 2 : 1
        return all.filter { $0.split(separator: "/").count == depth }.sorted().map { "\(folder)/\($0)" }
    }

    /// Throws when the folder is missing or has none of the legacy subfolders.
    private func checkFolder() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LegacyImportError("\(directory) is no folder; pass the old assistant's data folder with --from")
        }
        let present = Self.folders.filter {
            FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0))
        }
        guard !present.isEmpty else {
            throw LegacyImportError(
                "\(directory) has none of girls_data/, conversations/, backups/; pass the old assistant's data folder")
        }
    }
}

/// The legacy folder cannot be imported at all.
public struct LegacyImportError: Error, CustomStringConvertible {
    /// What is wrong and what to do.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
