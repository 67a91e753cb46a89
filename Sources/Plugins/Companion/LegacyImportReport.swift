/// What one `aviary import-legacy` run did: counts, and each file it could not read.
public struct LegacyImportReport: Sendable, Equatable {
    /// A file that was skipped, and why.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The file's path inside the legacy folder (`conversations/42.json`).
        public var file: String
        /// What is wrong with it.
        public var reason: String

        public var description: String { "\(file): \(reason)" }
    }

    /// Profiles added.
    public var profilesImported = 0
    /// Profiles skipped because the person has one already (an earlier import, or a live chat).
    public var profilesPresent = 0
    /// Messages added.
    public var messagesImported = 0
    /// Messages skipped because an earlier import (or another file of the same chat) stored them.
    public var messagesPresent = 0
    /// Messages without a text or with an unknown sender.
    public var messagesSkipped = 0
    /// Files read, bad ones included.
    public var filesRead = 0
    /// The files skipped, in the order they were read.
    public var problems: [Problem] = []

    /// Creates an empty report.
    public init() {}

    /// What the command prints: each bad file, then the counts.
    public var lines: [String] {
        problems.map(\.description) + [
            "profiles: \(profilesImported) imported, \(profilesPresent) already there",
            "messages: \(messagesImported) imported, \(messagesPresent) already there, "
                + "\(messagesSkipped) skipped (no text or unknown sender)",
            "files: \(filesRead) read, \(problems.count) bad",
        ]
    }
}
