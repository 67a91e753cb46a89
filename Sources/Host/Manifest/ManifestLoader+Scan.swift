import Foundation

extension ManifestLoader {
    /// Loads every `*.yaml` and `*.yml` in `directory` (sorted by name), then refuses manifests
    /// that share an id, a token, a database file or a Matrix user: both of them, each error
    /// naming the other file.
    ///
    /// A missing or unreadable folder is one error; an empty folder is no error and no bot.
    /// Files whose bytes did not change since the last scan are not validated again (``cache``).
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
        cache.keep(only: Set(files))
        var outcomes = files.map { outcome(file: $0) }
        refuseConflicts(in: &outcomes)
        return ManifestScan(bots: outcomes.compactMap(\.bot), errors: outcomes.flatMap(\.errors))
    }

    /// Refuses every pair of valid manifests with the same id, the same token, the same
    /// database file (two bots on one file would read each other's people) or the same Matrix
    /// localpart (two bots acting as one Matrix user would read each other's rooms).
    ///
    /// Database files compare without case and after Unicode normalisation, as some file
    /// systems compare names, so that no spelling of one file passes for another.
    ///
    /// Manifests are grouped by each key first, so that only manifests sharing one are
    /// compared: a folder of 1,000 distinct bots costs 1,000 lookups, not 500,000 comparisons.
    /// Each manifest's errors name the others in file order: id, database, token, Matrix user.
    private func refuseConflicts(in outcomes: inout [ManifestValidation.Outcome]) {
        let manifests = outcomes.map(\.bot?.manifest)
        let databases = manifests.map { $0?.databaseFile.lowercased() }
        var byID: [String: [Int]] = [:]
        var byDatabase: [String: [Int]] = [:]
        var byToken: [String: [Int]] = [:]
        var byLocalpart: [String: [Int]] = [:]
        for (index, manifest) in manifests.enumerated() {
            guard let manifest, let database = databases[index] else { continue }
            byID[manifest.id, default: []].append(index)
            byDatabase[database, default: []].append(index)
            if let token = manifest.token?.value { byToken[token, default: []].append(index) }
            if let localpart = manifest.matrix?.localpart { byLocalpart[localpart, default: []].append(index) }
        }
        var conflicts = Array(repeating: [ManifestError](), count: outcomes.count)
        for (index, manifest) in manifests.enumerated() {
            guard let one = manifest, let database = databases[index] else { continue }
            var others = Set(byID[one.id] ?? []).union(byDatabase[database] ?? [])
            if let token = one.token?.value { others.formUnion(byToken[token] ?? []) }
            if let localpart = one.matrix?.localpart { others.formUnion(byLocalpart[localpart] ?? []) }
            others.remove(index)
            for otherIndex in others.sorted() {
                guard let other = manifests[otherIndex] else { continue }
                conflicts[index] += conflictsBetween(
                    one, outcomes[index], other, database: database, otherDatabase: databases[otherIndex])
            }
        }
        for index in outcomes.indices where !conflicts[index].isEmpty {
            outcomes[index].bot = nil
            outcomes[index].errors += conflicts[index]
        }
    }

    /// The errors `one` (whose outcome is `outcome`) gets for sharing a key with `other`:
    /// the id, else the database file; the token; and the Matrix user.
    private func conflictsBetween(
        _ one: BotManifest,
        _ outcome: ManifestValidation.Outcome,
        _ other: BotManifest,
        database: String,
        otherDatabase: String?
    ) -> [ManifestError] {
        var errors: [ManifestError] = []
        if one.id == other.id {
            let what = "the id '\(one.redaction.apply(one.id))'"
            errors.append(conflict(one, outcome.idLine, "id", what, with: other.file))
        }
        if one.id != other.id, database == otherDatabase {
            let what = "the database file '\(one.redaction.apply(one.databaseFile))' in --data-dir"
            errors.append(conflict(one, outcome.databaseLine, "database", what, with: other.file))
        }
        if let token = one.token, token == other.token {
            errors.append(conflict(one, outcome.tokenLine, tokenKey(outcome), "the token \(token)", with: other.file))
        }
        if let localpart = one.matrix?.localpart, localpart == other.matrix?.localpart {
            let what = "the Matrix user '\(localpart)'"
            errors.append(conflict(one, outcome.localpartLine, "matrix.localpart", what, with: other.file))
        }
        return errors
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
