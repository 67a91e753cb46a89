public import GRDB
/// Keys and helpers for the `host_state` table: the poll offset, counters and the last error.
public enum HostState {
    /// The next `getUpdates` offset.
    public static let pollOffset = "poll_offset"
    /// The webhook address registered with the platform, while one is.
    public static let webhookURL = "webhook_url"
    /// Updates stored in the inbox.
    public static let updatesReceived = "updates_received"
    /// Updates whose effects were committed.
    public static let updatesHandled = "updates_handled"
    /// Updates on which a plugin threw.
    public static let updatesFailed = "updates_failed"
    /// Messages the platform accepted.
    public static let messagesSent = "messages_sent"
    /// Messages given up on.
    public static let messagesDead = "messages_dead"
    /// 429 answers from the platform.
    public static let rateLimited = "rate_limited"
    /// The last error's text.
    public static let lastError = "last_error"
    /// When the last error happened, in seconds since 1970.
    public static let lastErrorAt = "last_error_at"

    /// Sets a value.
    public static func set(_ key: String, to value: some DatabaseValueConvertible, in db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO host_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        ).execute(arguments: [key, value])
    }

    /// Adds to a counter, creating it at zero.
    public static func increment(_ key: String, by amount: Int = 1, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO host_state (key, value) VALUES (?, ?)
                ON CONFLICT(key) DO UPDATE SET value = value + excluded.value
                """
        ).execute(arguments: [key, amount])
    }

    /// Reads an integer value.
    public static func int(_ key: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT value FROM host_state WHERE key = ?", arguments: [key])
    }

    /// Reads a floating-point value.
    public static func double(_ key: String, in db: Database) throws -> Double? {
        try Double.fetchOne(db, sql: "SELECT value FROM host_state WHERE key = ?", arguments: [key])
    }

    /// Reads a text value.
    public static func string(_ key: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM host_state WHERE key = ?", arguments: [key])
    }
}
