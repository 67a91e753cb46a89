import Foundation
import Storage
import Tenant

/// What the layout shows around every page: the title, who is signed in, the navigation.
struct Chrome {
    var title: String
    var signedIn: Bool
    var callerLabel: String
    var csrf: String
    var onBots = false
    var onChat = false
    var onNew = false
    var onActivity = false
    /// A one-line outcome of the last action ("Stopped han-ru."), if any.
    var notice: String?
    /// The host's version, in the footer.
    var version = AviaryVersion.current

    /// The chrome of a signed-in page.
    init(title: String, session: DashboardSession, notice: String? = nil) {
        self.title = title
        signedIn = true
        callerLabel = session.callerName
        csrf = session.csrfToken
        self.notice = notice
    }

    /// The chrome of a page shown before signing in.
    init(anonymous title: String) {
        self.title = title
        signedIn = false
        callerLabel = ""
        csrf = ""
    }
}

/// The sign-in page.
struct LoginPage {
    var chrome = Chrome(anonymous: "Sign in")
    var loginCSRF: String
    var error: String?
}

/// An error page.
struct ErrorPage {
    var chrome: Chrome
    var heading: String
    var detail: String
    var back: String
}

/// One bot as the live table shows it; also each Server-Sent Event's payload.
struct LiveBotView: Encodable, Sendable {
    var id: String
    var name: String
    var brand: String?
    var platform: String
    var mode: String
    var state: String
    var uptime: String?
    var updatesPerMinute: Int?
    var repliesPerMinute: Int?
    var errors: Int64?
    var inbox: Int?
    var outbox: Int?
    var updates: Int64?
    var handled: Int64?
    var failed: Int64?
    var sent: Int64?
    var deadLetters: Int64?
    /// The database's size on disk (`96 KB`), or `-` before the bot stored anything.
    var database: String = "-"
}

/// The bots table.
struct BotsPage {
    var chrome: Chrome
    var csrf: String
    var bots: [LiveBotView]
    var count: Int
    var brandScope: String?
    var canReload: Bool
    /// Valid manifests the host does not run (disabled), which the caller may edit.
    var notRunning: [NotRunning] = []
    /// Whether there are any (templates see stored properties only).
    var hasNotRunning = false

    /// A manifest that is not running.
    struct NotRunning {
        var id: String
        var name: String
    }
}

/// A start, stop or restart button.
struct CommandButton {
    var verb: String
    var label: String
    var enabled: Bool
}

/// One bot's page.
struct BotPage {
    struct Bot {
        var id: String
        var name: String
        var brand: String?
        var platform: String
        var mode: String
        var state: String
        var uptime: String?
        var failure: String?
        /// Whether errors in its manifest file hold a new version back; it keeps its last good one.
        var runsLastGood: Bool
        /// Those errors.
        var manifestErrors: [String]
        var isSandbox: Bool
        var commands: [CommandButton]
    }

    struct Counters {
        var botID: String
        var updatesReceived: Int64
        var updatesHandled: Int64
        var updatesFailed: Int64
        var messagesSent: Int64
        var deadLetters: Int64
        var inboxDepth: Int
        var outboxDepth: Int
    }

    struct ErrorLine {
        var at: String
        var level: String
        var message: String
    }

    struct DeadLetter {
        var id: Int64
        var botID: String
        var chatID: Int64
        var text: String
        var error: String
        var attempts: Int
    }

    var chrome: Chrome
    var csrf: String
    var bot: Bot
    var counters: Counters?
    var chart: TrafficChart?
    var plugins: [String]
    var errors: [ErrorLine]
    var hasErrors: Bool
    var deadLetters: [DeadLetter]
    var hasDeadLetters: Bool
    var deadLettersNote: String
    var manifest: String
    var manifestFile: String
    /// The database's size on disk and the scheduled backups, one sentence each.
    var storage: [String] = []
    /// For a Matrix bot: the rooms it left because they turned encrypted, the latest first.
    var encryptedRooms: [String] = []
    var hasEncryptedRooms = false
}

/// What a reload did.
struct ReloadPage {
    struct Bot {
        var id: String
        var changes: [String]
        var hasChanges: Bool
    }

    struct Group {
        var key: String
        var title: String
        var bots: [Bot]
        var count: Int
    }

    var chrome: Chrome
    var summary: String
    var groups: [Group]
    var errors: [String]
    var errorCount: Int
    var hasErrors: Bool
}

/// The sandbox chat pane.
struct ChatPage {
    struct BotOption {
        var id: String
        var name: String
        var running: Bool
        var selected: Bool
    }

    struct Person {
        var id: Int64
        var name: String
        var selected: Bool
    }

    struct Button {
        var text: String
        var data: String?
        var url: String?
        var messageID: Int64
    }

    struct Row {
        var buttons: [Button]
    }

    struct Message {
        var id: Int64
        var from: String
        var fromLabel: String
        var text: String
        var notice: String?
        var rows: [Row]
    }

    struct Conversation {
        var botID: String
        var botName: String
        var running: Bool
        var userID: Int64
        var personName: String
        var revision: Int64
        var messages: [Message]
    }

    var chrome: Chrome
    var csrf: String
    var hasBots: Bool
    var bots: [BotOption]
    var people: [Person]
    var newPerson: Bool
    var conversation: Conversation?
}
