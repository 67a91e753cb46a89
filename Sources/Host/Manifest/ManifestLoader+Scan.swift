import Foundation

extension ManifestLoader {
    /// Loads every `*.yaml` and `*.yml` in `directory` (sorted by name), then refuses manifests
    /// that share an id, a token or a database file: both of them, each error naming the other file.
    ///
    /// A missing or unreadable folder is one error; an empty folder is no error and no bot.
    func scan(directory: String) -> ManifestScan {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            return ManifestScan(
                bots: [],
                errors: [
                    ManifestError(
                        file: directory,
                        line: nil,
                        key: nil,
                        message: "cannot read the manifest folder; check that it exists or pass --bots-dir"
                    )
                ]
            )
        }
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
        var outcomes = files.map { outcome(file: $0) }
        refuseConflicts(in: &outcomes)
        return ManifestScan(bots: outcomes.compactMap(\.bot), errors: outcomes.flatMap(\.errors))
    }

    /// Refuses every pair of valid manifests with the same id, the same token or the same
    /// database file (two bots on one file would read each other's people).
    ///
    /// Database files compare without case and after Unicode normalisation, as some file
    /// systems compare names, so that no spelling of one file passes for another.
    private func refuseConflicts(in outcomes: inout [ManifestValidation.Outcome]) {
        var conflicts = Array(repeating: [ManifestError](), count: outcomes.count)
        for first in outcomes.indices {
            guard let one = outcomes[first].bot?.manifest else { continue }
            for second in outcomes.indices where second > first {
                guard let other = outcomes[second].bot?.manifest else { continue }
                if one.id == other.id {
                    let what = "the id '\(one.redaction.apply(one.id))'"
                    conflicts[first].append(conflict(one, outcomes[first].idLine, "id", what, with: other.file))
                    conflicts[second].append(conflict(other, outcomes[second].idLine, "id", what, with: one.file))
                }
                if one.id != other.id, one.databaseFile.lowercased() == other.databaseFile.lowercased() {
                    let what = "the database file '\(one.redaction.apply(one.databaseFile))' in --data-dir"
                    let (oneLine, otherLine) = (outcomes[first].databaseLine, outcomes[second].databaseLine)
                    conflicts[first].append(conflict(one, oneLine, "database", what, with: other.file))
                    conflicts[second].append(conflict(other, otherLine, "database", what, with: one.file))
                }
                if let token = one.token, token == other.token {
                    let what = "the token \(token)"
                    let (oneKey, otherKey) = (tokenKey(outcomes[first]), tokenKey(outcomes[second]))
                    conflicts[first].append(conflict(one, outcomes[first].tokenLine, oneKey, what, with: other.file))
                    conflicts[second].append(
                        conflict(other, outcomes[second].tokenLine, otherKey, what, with: one.file)
                    )
                }
            }
        }
        for index in outcomes.indices where !conflicts[index].isEmpty {
            outcomes[index].bot = nil
            outcomes[index].errors += conflicts[index]
        }
    }

    private func tokenKey(_ outcome: ManifestValidation.Outcome) -> String {
        outcome.tokenKey ?? "token"
    }

    private func conflict(
        _ manifest: BotManifest,
        _ line: Int?,
        _ key: String,
        _ what: String,
        with otherFile: String
    ) -> ManifestError {
        ManifestError(
            file: manifest.file,
            line: line,
            key: key,
            message: "\(what) is also used by \(otherFile); both manifests are refused until one changes"
        )
    }
}
