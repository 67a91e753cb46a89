import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant

/// Bots and the host: list, detail, start / stop / restart, reload, manifest validation.
extension ManagementAPI {
    func listBots(_ context: HostRequestContext) async throws -> BotListView {
        var views: [BotSummaryView] = []
        for entry in supervisor.table.all where context.caller?.mayAccess(brand: entry.manifest.brand) == true {
            views.append(await summary(of: entry))
        }
        return BotListView(bots: views)
    }

    func botDetail(_ context: HostRequestContext) async throws -> BotDetailView {
        let entry = try visibleBot(context)
        let status = try? await entry.tenant?.status()
        return BotDetailView(
            bot: await summary(of: entry),
            manifest: ManifestView(entry.manifest.shown),
            plugins: entry.manifest.plugins.map(\.instanceName),
            lastError: status?.store.lastError,
            lastErrorAt: status?.store.lastErrorAt,
            recentErrors: recentErrors.entries(for: entry.manifest.id).map {
                RecentErrorView(at: $0.at, level: $0.level, message: $0.message)
            },
            backup: supervisor.backups[entry.manifest.id].map(BackupView.init))
    }

    func command(_ command: BotCommand, _ request: Request, _ context: HostRequestContext) async throws
        -> BotSummaryView
    {
        let entry = try visibleBot(context)
        do {
            try await supervisor.perform(command, on: entry.manifest.id)
        } catch {
            switch error {
            case .unknownBot: throw Problem.notFound(error.description)
            case .shuttingDown: throw Problem.unavailable(error.description)
            }
        }
        context.logger.notice("bot \(command.rawValue) by API", metadata: ["bot": "\(entry.manifest.id)"])
        await audit(
            command.auditAction, bot: entry.manifest.id, brand: entry.manifest.brand, outcome: "ok", request, context)
        guard let updated = supervisor.table[entry.manifest.id] else {
            throw Problem.notFound("bot '\(entry.manifest.id)' is gone")
        }
        return await summary(of: updated)
    }



    func reload(_ request: Request, _ context: HostRequestContext) async throws -> ReloadView {
        guard context.caller == .admin else {
            throw Problem(status: .forbidden, detail: "reload affects every brand; it needs the admin token")
        }
        let address = proxies.client(peer: context.remoteAddress, headers: request.headers)
        let configErrors = await hostConfig?.reload(actor: actorName(context.caller), address: address) ?? []
        var report = await supervisor.reload()
        report.errors = configErrors + report.errors
        await audit(
            "reload", bot: nil, brand: nil, outcome: report.errors.isEmpty ? "ok" : "errors",
            detail: report.summary, request, context)
        return ReloadView(report)
    }

    /// Validates a manifest sent as the body, off the cooperative pool (see
    /// ``ManifestLoader/validateAway(yaml:fileName:source:)``).
    ///
    /// A brand caller's text gets no `${…}` expansion and no `token_file` read; no answer,
    /// the admin's included, echoes a value read from the environment.
    func validate(_ request: Request, _ context: HostRequestContext) async throws -> ValidationView {
        let body = try await request.body.collect(upTo: YAMLLimits.manifest.maximumBytes)
        guard body.readableBytes > 0 else {
            throw Problem.badRequest("send the manifest's YAML as the request body")
        }
        let name = request.uri.queryParameters["file"].map(String.init) ?? "manifest.yaml"
        guard Self.isPlainFileName(name) else {
            throw Problem.badRequest("file must be a plain file name ending in .yaml or .yml, such as han-ru.yaml")
        }
        let source: ManifestSource = context.caller == .admin ? .host : .brand
        let outcome = await loader.validateAway(yaml: String(buffer: body), fileName: name, source: source)
        guard outcome.isMapping else {
            let problems = outcome.errors.map(\.description).joined(separator: "; ")
            throw Problem.badRequest(
                "the body is not a YAML mapping within the limits (\(problems)); "
                    + "send the manifest as written in bots.d")
        }
        guard let manifest = outcome.bot?.manifest else {
            return ValidationView(
                valid: false, bot: nil,
                errors: outcome.errors.map { .init(line: $0.line, key: $0.key, message: $0.message) })
        }
        let shown = manifest.shown
        return ValidationView(
            valid: true,
            bot: .init(
                id: shown.id, name: shown.name, brand: shown.brand, platform: shown.platform.rawValue,
                mode: shown.receiveMode, plugins: shown.plugins.map(\.instanceName)),
            errors: [])
    }
}
