import Foundation
import Hummingbird
import Storage
import Tenant

/// The bots table, a bot's page, its controls, and reload.
extension Dashboard {
    func botsPage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        var chrome = Chrome(title: "Bots", session: session, notice: Self.notice(request))
        chrome.onBots = true
        let bots = await liveViews(context)
        var brandScope: String?
        if case .brand(let brand) = session.caller { brandScope = brand }
        let listed = Set(bots.map(\.id))
        let notRunning = await api.editor.validBots().values
            .filter { !listed.contains($0.manifest.id) && session.caller.mayAccess(brand: $0.manifest.brand) }
            .sorted { $0.manifest.id < $1.manifest.id }
            .map { BotsPage.NotRunning(id: $0.manifest.id, name: $0.manifest.shown.name) }
        return templates.render(
            .bots,
            BotsPage(
                chrome: chrome, csrf: session.csrfToken, bots: bots, count: bots.count, brandScope: brandScope,
                canReload: session.caller == .admin, notRunning: notRunning, hasNotRunning: !notRunning.isEmpty))
    }

    /// Every bot the caller may see, as the live table shows it, or only `only` when named.
    func liveViews(_ context: HostRequestContext, only: String? = nil) async -> [LiveBotView] {
        var views: [LiveBotView] = []
        for entry in supervisor.table.all
        where context.caller?.mayAccess(brand: entry.manifest.brand) == true && (only == nil || entry.manifest.id == only) {
            views.append(await liveView(of: entry))
        }
        return views
    }

    private func liveView(of entry: BotTable.Entry) async -> LiveBotView {
        let summary = await api.summary(of: entry)
        let counters = summary.counters
        let lastMinute = try? await entry.tenant?.traffic(period: .seconds(10), count: 6)
        return LiveBotView(
            id: summary.id, name: summary.name, brand: summary.brand, platform: summary.platform, mode: summary.mode,
            state: summary.state, uptime: summary.uptimeSeconds.map(Self.duration),
            updatesPerMinute: lastMinute?.reduce(0) { $0 + $1.received },
            repliesPerMinute: lastMinute?.reduce(0) { $0 + $1.sent },
            errors: counters.map { $0.updatesFailed + $0.deadLetters }, inbox: counters?.inboxDepth,
            outbox: counters?.outboxDepth, updates: counters?.updatesReceived, handled: counters?.updatesHandled,
            failed: counters?.updatesFailed, sent: counters?.messagesSent, deadLetters: counters?.deadLetters,
            database: Self.databaseSize(MetricsEndpoint.bytesOnDisk(supervisor.options.databasePath(for: entry.manifest))))
    }

    func botPage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let detail = try await api.botDetail(context)
        let entry = try api.visibleBot(context)
        let summary = detail.bot
        let running = entry.tenant != nil && summary.state == "running"
        let commands = [
            CommandButton(verb: "start", label: "Start", enabled: entry.tenant == nil),
            CommandButton(verb: "stop", label: "Stop", enabled: entry.tenant != nil),
            CommandButton(verb: "restart", label: "Restart", enabled: true),
        ]
        let bot = BotPage.Bot(
            id: summary.id, name: summary.name, brand: summary.brand, platform: summary.platform, mode: summary.mode,
            state: summary.state, uptime: summary.uptimeSeconds.map(Self.duration), failure: summary.failure,
            runsLastGood: summary.runsLastGood, manifestErrors: summary.manifestErrors,
            isSandbox: entry.manifest.platform == .sandbox, commands: commands)
        let counters = summary.counters.map {
            BotPage.Counters(
                botID: summary.id, updatesReceived: $0.updatesReceived, updatesHandled: $0.updatesHandled,
                updatesFailed: $0.updatesFailed, messagesSent: $0.messagesSent, deadLetters: $0.deadLetters,
                inboxDepth: $0.inboxDepth, outboxDepth: $0.outboxDepth)
        }
        let traffic = try? await entry.tenant?.traffic(period: .seconds(60), count: 60)
        let deadLetters = running ? ((try? await entry.tenant?.deadLetters(limit: 50)) ?? []) : []
        let errors = detail.recentErrors.map {
            BotPage.ErrorLine(at: $0.at.formatted(.iso8601), level: $0.level, message: $0.message)
        }
        var view = BotPage(
            chrome: Chrome(title: summary.name, session: session, notice: Self.notice(request)),
            csrf: session.csrfToken, bot: bot, counters: counters, chart: traffic.map(TrafficChart.init),
            plugins: detail.plugins, errors: errors, hasErrors: !errors.isEmpty,
            deadLetters: deadLetters.map {
                BotPage.DeadLetter(
                    id: $0.id ?? 0, botID: summary.id, chatID: $0.chatID, text: $0.messageText ?? "(not a text message)",
                    error: $0.lastError ?? "", attempts: $0.attempts)
            },
            hasDeadLetters: !deadLetters.isEmpty,
            deadLettersNote: running ? "None: every message was delivered or is still on its way." : "Start the bot to see its dead letters.",
            manifest: Self.prettyJSON(detail.manifest), manifestFile: detail.manifest.file,
            storage: storageLines(summary.id, backup: detail.backup))
        if let matrix, let localpart = entry.manifest.matrix?.localpart {
            view.encryptedRooms = (try? matrix.store.encryptedRooms(user: "@\(localpart):\(matrix.config.serverName)")) ?? []
            view.hasEncryptedRooms = !view.encryptedRooms.isEmpty
        }
        return templates.render(.bot, view)
    }

    func perform(_ command: BotCommand, _ request: Request, _ context: HostRequestContext) async throws -> Response {
        let summary = try await api.command(command, request, context)
        let done: String =
            switch command {
            case .start: "started"
            case .stop: "stopped"
            case .restart: "restarted"
            }
        return .redirect(to: "/bots/\(Self.pathSegment(summary.id))?done=\(done)")
    }

    func retry(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        var ids: [Int64]?
        if let text = form.trimmed("id") {
            guard let id = Int64(text) else { throw Problem.badRequest("id must be a dead letter's number, not '\(text)'") }
            ids = [id]
        }
        let tenant = try api.runningTenant(context)
        let count = try await api.tenantCall { try await tenant.retryDeadLetters(ids) }
        let id = try context.parameters.require("bot_id")
        return .redirect(to: "/bots/\(Self.pathSegment(id))?done=retried&count=\(count)")
    }

    /// The "Export a person's data" form (on the bot page and the sandbox chat): the API's
    /// export, downloaded as `<bot>-person-<id>.json`.
    func exportPerson(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let userID = form.trimmed("user_id") ?? ""
        // Past the export, the id is known to be digits and the bot id a manifest's: safe in a header.
        var response = try await api.exportPerson(userID: userID, request, context)
        let bot = try api.visibleBot(context).manifest.id
        response.headers[.contentDisposition] = "attachment; filename=\"\(bot)-person-\(userID).json\""
        return response
    }

    func reload(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let report = try await api.reload(request, context)
        func group(_ key: String, _ title: String, _ ids: [String]) -> ReloadPage.Group {
            ReloadPage.Group(
                key: key, title: title,
                bots: ids.map { id in
                    let changes = report.changes[id] ?? []
                    return ReloadPage.Bot(id: id, changes: changes, hasChanges: !changes.isEmpty)
                },
                count: ids.count)
        }
        let groups = [
            group("started", "Started", report.started), group("restarted", "Restarted", report.restarted),
            group("stopped", "Stopped", report.stopped), group("kept", "Kept last good manifest", report.keptLastGood),
            group("unchanged", "Unchanged", report.unchanged),
        ]
        return templates.render(
            .reload,
            ReloadPage(
                chrome: Chrome(title: "Reload", session: session), summary: report.summary, groups: groups,
                errors: report.errors, errorCount: report.errors.count, hasErrors: !report.errors.isEmpty))
    }

    // MARK: Helpers

    func requireSession(_ context: HostRequestContext) throws -> DashboardSession {
        guard let session = context.session else {
            throw Problem(status: .unauthorized, detail: "sign in to the dashboard first")
        }
        return session
    }

    /// The outcome line for a page reached after an action (`?done=stopped`); only known
    /// outcomes are shown, so a link cannot put words on the page.
    static func notice(_ request: Request) -> String? {
        switch request.uri.queryParameters["done"] {
        case "started": "Started."
        case "stopped": "Stopped. Reloads leave it stopped until you start it again."
        case "restarted": "Restarted."
        case "retried": "Queued \(Int(request.uri.queryParameters["count"] ?? "") ?? 0) dead letter(s) again."
        case "created": "Created" + Self.outcomeSentence(request.uri.queryParameters["outcome"].map(String.init))
        case "saved": "Saved" + Self.outcomeSentence(request.uri.queryParameters["outcome"].map(String.init))
        case "enabled": "Enabled" + Self.outcomeSentence(request.uri.queryParameters["outcome"].map(String.init))
        case "disabled": "Disabled" + Self.outcomeSentence(request.uri.queryParameters["outcome"].map(String.init))
        case "deleted": "Deleted; the bot stopped."
        default: nil
        }
    }

    /// What a manifest write's reload did, as the end of a sentence (`; the bot restarted.`).
    static func outcomeSentence(_ outcome: String?) -> String {
        switch outcome {
        case "started": "; the bot started."
        case "restarted": "; the bot restarted."
        case "stopped": "; the bot stopped."
        case "unchanged": "; nothing the bot runs changed."
        case "kept_last_good", "refused": "; the reload refused it, and the last good version keeps running."
        case "not_running": "; the bot is not running (disabled or stopped)."
        default: "."
        }
    }

    /// `3d 4h`, `2h 5m`, `42s`.
    static func duration(_ seconds: Int) -> String {
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3_600
        let minutes = seconds % 3_600 / 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds % 60)s" }
        return "\(seconds)s"
    }

    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
    }

    static func prettyJSON(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
