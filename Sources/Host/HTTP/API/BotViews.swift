import Foundation
import Hummingbird
import Storage
import Tenant

/// A bot's stored counters, as the API shows them.
struct CountersView: ResponseEncodable, Sendable {
    var updatesReceived: Int64
    var updatesHandled: Int64
    var updatesFailed: Int64
    var messagesSent: Int64
    var deadLetters: Int64
    var inboxDepth: Int
    var outboxDepth: Int

    init(_ status: StoreStatus) {
        updatesReceived = status.updatesReceived
        updatesHandled = status.updatesHandled
        updatesFailed = status.updatesFailed
        messagesSent = status.messagesSent
        deadLetters = status.messagesDead
        inboxDepth = status.inboxDepth
        outboxDepth = status.outboxDepth
    }
}

/// One bot in the list: who it is, where it is in its life, and its counters while it runs.
struct BotSummaryView: ResponseEncodable, Sendable {
    var id: String
    var name: String
    var brand: String?
    var platform: String
    var mode: String
    var state: String
    /// Why the bot failed, when it did.
    var failure: String?
    /// Whether an operator stopped it (reloads and restarts leave it stopped).
    var stoppedByOperator: Bool
    /// Whether its manifest file has errors, so that it keeps its last good version.
    var runsLastGood: Bool
    /// The errors that hold the new version back.
    var manifestErrors: [String]
    var startedAt: Date?
    var uptimeSeconds: Int?
    /// `nil` while the bot does not run.
    var counters: CountersView?
}

/// One bot in detail.
struct BotDetailView: ResponseEncodable, Sendable {
    var bot: BotSummaryView
    var manifest: ManifestView
    var plugins: [String]
    var lastError: String?
    var lastErrorAt: Date?
    var recentErrors: [RecentErrorView]
    /// The bot's scheduled backups; absent before the first one.
    var backup: BackupView? = nil
}

/// A bot's scheduled backups as the API shows them.
struct BackupView: Encodable, Sendable {
    var lastSuccessAt: Date?
    var lastSizeBytes: Int64?
    var lastFailureAt: Date?
    var lastFailure: String?
    var failures: Int

    init(_ status: BackupStatusBoard.Status) {
        lastSuccessAt = status.lastSuccessAt
        lastSizeBytes = status.lastSize
        lastFailureAt = status.lastFailureAt
        lastFailure = status.lastFailure
        failures = status.failures
    }
}

/// A logged problem.
struct RecentErrorView: Encodable, Sendable {
    var at: Date
    var level: String
    var message: String
}

/// A manifest as the API shows it: the token masked, plugin settings as written with
/// credential-like values masked.
struct ManifestView: Encodable, Sendable {
    struct Telegram: Encodable, Sendable {
        var apiUrl: String
        var mode: String
        var pollTimeout: Int
        var maxConnections: Int
    }

    struct Delivery: Encodable, Sendable {
        var privateChatPerSecond: Double
        var groupPerMinute: Double
        var botPerSecond: Double
        var broadcastPerSecond: Double
        var maxAgeHours: Double
        var concurrentSends: Int
    }

    struct Plugin: Encodable, Sendable {
        var name: String
        var settings: JSONValue
    }

    struct Retention: Encodable, Sendable {
        var updates: String
        var outbox: String
        var deadLetters: String
    }

    var id: String
    var name: String
    var brand: String?
    var enabled: Bool
    var platform: String
    var token: String?
    var telegram: Telegram
    var admins: [Int64]
    var locale: String?
    var database: String?
    var delivery: Delivery
    var retention: Retention
    var plugins: [Plugin]
    var file: String

    init(_ manifest: BotManifest) {
        id = manifest.id
        name = manifest.name
        brand = manifest.brand
        enabled = manifest.enabled
        platform = manifest.platform.rawValue
        token = manifest.token?.description
        telegram = Telegram(
            apiUrl: manifest.telegram.apiURL.absoluteString, mode: manifest.telegram.mode.rawValue,
            pollTimeout: manifest.telegram.pollTimeout, maxConnections: manifest.telegram.maxConnections)
        admins = manifest.admins
        locale = manifest.locale
        database = manifest.database
        let limits = manifest.limits
        delivery = Delivery(
            privateChatPerSecond: limits.privateChat.perSecond, groupPerMinute: limits.group.perSecond * 60,
            botPerSecond: limits.bot.perSecond, broadcastPerSecond: limits.broadcast.perSecond,
            maxAgeHours: limits.maxAge.timeInterval / 3600, concurrentSends: limits.concurrentSends)
        retention = Retention(
            updates: RetentionDuration.text(manifest.retention.updates),
            outbox: RetentionDuration.text(manifest.retention.outbox),
            deadLetters: RetentionDuration.text(manifest.retention.deadLetters))
        plugins = manifest.plugins.map { spec in
            Plugin(name: spec.name, settings: spec.configuration.map { JSONValue($0, shown: spec.shownScalars) } ?? .object([:]))
        }
        file = (manifest.file as NSString).lastPathComponent
    }
}

/// A message given up on.
struct DeadLetterView: Encodable, Sendable {
    var id: Int64
    var chatId: Int64
    var text: String?
    var error: String?
    var attempts: Int
    var createdAt: Date

    init(_ record: OutboxRecord) {
        id = record.id ?? 0
        chatId = record.chatID
        text = record.messageText
        error = record.lastError
        attempts = record.attempts
        createdAt = record.createdAt
    }
}

/// `GET …/dead-letters`.
struct DeadLettersView: ResponseEncodable, Sendable {
    var deadLetters: [DeadLetterView]
}

/// `POST …/dead-letters/retry`'s answer.
struct RetriedView: ResponseEncodable, Sendable {
    var requeued: Int
}

/// A broadcast's progress.
struct BroadcastView: ResponseEncodable, Sendable {
    var id: Int64
    var total: Int
    var sent: Int
    var pending: Int
    var failed: Int
    var createdAt: Date
    var finished: Bool

    init(_ progress: BroadcastProgress) {
        id = progress.id
        total = progress.total
        sent = progress.sent
        pending = progress.pending
        failed = progress.failed
        createdAt = progress.createdAt
        finished = progress.isFinished
    }
}

/// `GET /bots`.
struct BotListView: ResponseEncodable, Sendable {
    var bots: [BotSummaryView]
}

/// What a reload did: the API's answer, and the body of `last-reload.json` (``ReloadOutcome``).
struct ReloadView: ResponseEncodable, Decodable, Sendable, Equatable {
    var started: [String]
    var stopped: [String]
    var restarted: [String]
    var unchanged: [String]
    var keptLastGood: [String]
    var errors: [String]
    /// What changed in each restarted bot's manifest.
    var changes: [String: [String]]
    var summary: String

    init(_ report: ReloadReport) {
        started = report.started
        stopped = report.stopped
        restarted = report.restarted
        unchanged = report.unchanged
        keptLastGood = report.keptLastGood
        errors = report.errors
        changes = report.changes
        summary = report.description
    }
}

/// The outcome of validating one manifest.
struct ValidationView: ResponseEncodable, Sendable {
    struct Bot: Encodable, Sendable {
        var id: String
        var name: String
        var brand: String?
        var platform: String
        var mode: String
        var plugins: [String]
    }

    struct Failure: Encodable, Sendable {
        var line: Int?
        var key: String?
        var message: String
    }

    var valid: Bool
    var bot: Bot?
    var errors: [Failure]
}

extension RateLimit {
    /// Messages per second.
    var perSecond: Double { Double(count) / period.timeInterval }
}
