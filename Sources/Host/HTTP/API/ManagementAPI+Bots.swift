import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant
import Yams

/// Bots and the host: list, detail, start / stop / restart, reload, manifest validation.
extension ManagementAPI {
    func listBots(_ context: HostRequestContext) async throws -> BotListView {
        var views: [BotSummaryView] = []
        for entry in supervisor.directory.all where context.caller?.mayAccess(brand: entry.manifest.brand) == true {
            views.append(await summary(of: entry))
        }
        return BotListView(bots: views)
    }

    func botDetail(_ context: HostRequestContext) async throws -> BotDetailView {
        let entry = try visibleBot(context)
        let status = try? await entry.tenant?.status()
        return BotDetailView(
            bot: await summary(of: entry),
            manifest: ManifestView(entry.manifest),
            plugins: entry.manifest.plugins.map(\.name),
            lastError: status?.store.lastError,
            lastErrorAt: status?.store.lastErrorAt,
            recentErrors: recentErrors.entries(for: entry.manifest.id).map {
                RecentErrorView(at: $0.at, level: $0.level, message: $0.message)
            })
    }

    func command(_ command: BotCommand, _ context: HostRequestContext) async throws -> BotSummaryView {
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
        guard let updated = supervisor.directory[entry.manifest.id] else {
            throw Problem.notFound("bot '\(entry.manifest.id)' is gone")
        }
        return await summary(of: updated)
    }



    func reload(_ context: HostRequestContext) async throws -> ReloadView {
        guard context.caller == .admin else {
            throw Problem(status: .forbidden, detail: "reload affects every brand; it needs the admin token")
        }
        return ReloadView(await supervisor.reload())
    }

    func validate(_ request: Request, _ context: HostRequestContext) async throws -> ValidationView {
        let body = try await request.body.collect(upTo: 256 << 10)
        guard body.readableBytes > 0 else {
            throw Problem.badRequest("send the manifest's YAML as the request body")
        }
        let yaml = String(buffer: body)
        guard case .mapping? = (try? Yams.compose(yaml: yaml)) ?? nil else {
            throw Problem.badRequest("the body is not a YAML mapping; send the manifest as written in bots.d")
        }
        let name = request.uri.queryParameters["file"].map(String.init) ?? "manifest.yaml"
        guard Self.isPlainFileName(name) else {
            throw Problem.badRequest("file must be a plain file name ending in .yaml or .yml, such as han-ru.yaml")
        }
        switch loader.validate(yaml: yaml, fileName: name) {
        case .success(let bot):
            let manifest = bot.manifest
            return ValidationView(
                valid: true,
                bot: .init(
                    id: manifest.id, name: manifest.name, brand: manifest.brand, platform: manifest.platform.rawValue,
                    mode: manifest.receiveMode, plugins: manifest.plugins.map(\.name)),
                errors: [])
        case .failure(let errors):
            return ValidationView(
                valid: false, bot: nil,
                errors: errors.errors.map { .init(line: $0.line, key: $0.key, message: $0.message) })
        }
    }
}
