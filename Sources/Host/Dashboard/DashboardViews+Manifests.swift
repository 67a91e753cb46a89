/// The manifest editor, for a new bot or an existing one.
struct ManifestPage {
    /// One line of the text, with the errors found on it.
    struct Line {
        var number: Int
        var text: String
        var errors: [String]
        var hasErrors: Bool
    }

    var chrome: Chrome
    var csrf: String
    var isNew: Bool
    var id: String
    /// The file's tag when it was read, sent back as If-Match.
    var entityTag: String
    var text: String
    var hasErrors: Bool
    var errorCount: Int
    /// Every line, numbered, when there are errors to show beside them.
    var lines: [Line]
    /// Errors without a line.
    var generalErrors: [String]
    /// Whether the stored manifest loads and says `enabled: true` (shows Disable).
    var isEnabled = false
    /// Whether the stored manifest loads and says `enabled: false` (shows Enable).
    var isDisabled = false
    /// Whether the stored manifest loads (enable and disable need it to).
    var loads = false
}

/// The confirmation before deleting a bot's manifest.
struct DeletePage {
    var chrome: Chrome
    var csrf: String
    var id: String
    var entityTag: String
    var error: String?
}

/// The audit log, one page.
struct ActivityPage {
    /// One record.
    struct Record {
        var id: Int64
        var at: String
        var actor: String
        var address: String
        var action: String
        var bot: String
        var brand: String
        var outcome: String
        var detail: String
        var hasDetail: Bool
    }

    var chrome: Chrome
    var records: [Record]
    var hasRecords: Bool
    /// The bot the page is filtered to, if any.
    var bot: String?
    /// The next (older) page's address, when there may be one.
    var next: String?
}
