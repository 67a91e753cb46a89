import Foundation
import Hummingbird
import Storage

/// Bots' manifests in the dashboard: a "New bot" page, an editor per bot with each error
/// beside its line, enable and disable, and delete with confirmation. Every write goes through
/// the management API's own steps (validation, brand rules, If-Match, audit).
extension Dashboard {
    /// `GET /manifests/new`: an empty editor, with the caller's brand filled in.
    func newBotPage(_ request: Request, _ context: HostRequestContext) throws -> Response {
        let session = try requireSession(context)
        var starter = "name: My bot\nplatform: sandbox\nplugins:\n  - echo\n"
        if case .brand(let brand) = session.caller { starter = "brand: \(brand)\n" + starter }
        return editor(session, id: "", text: starter, entityTag: "", isNew: true, errors: [])
    }

    /// `GET /bots/{id}/manifest`: the bot's manifest in an editor, secrets masked.
    func manifestPage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let stored = try await api.storedManifest(context)
        let id = try ManagementAPI.botID(context)
        let storedText = String(decoding: stored.data, as: UTF8.self)
        let text = await ManifestLoader.away { ManifestText.masked(storedText) }
        var view = editorView(session, id: id, text: text, entityTag: stored.entityTag, isNew: false, errors: [])
        view.isEnabled = stored.bot?.manifest.enabled == true
        view.isDisabled = stored.bot?.manifest.enabled == false
        view.loads = stored.bot != nil
        view.chrome.notice = Self.notice(request)
        return templates.render(.manifest, view)
    }

    /// `POST /manifests/new` and `POST /bots/{id}/manifest`: writes the form's text; on errors,
    /// the editor again with each error beside its line.
    func saveManifest(_ request: Request, _ context: HostRequestContext, isNew: Bool) async throws -> Response {
        let session = try requireSession(context)
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let text = (form["yaml"] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        let id = isNew ? (form.trimmed("id") ?? "") : try ManagementAPI.botID(context)
        guard !isNew || ManagementAPI.isBotID(id) else {
            let error = ManifestError(
                file: "",
                line: nil,
                key: "id",
                message: "the id is 1 to 63 of a-z, 0-9 and -, starting with a letter or digit"
            )
            return editor(session, id: id, text: text, entityTag: "", isNew: true, errors: [error])
        }
        let entityTag = isNew ? nil : form.trimmed("etag")
        switch try await api.writeManifest(id: id, text: text, ifMatch: entityTag, request, context) {
        case .invalid(let errors):
            return editor(session, id: id, text: text, entityTag: entityTag ?? "", isNew: isNew, errors: errors)
        case .written(let view, let created, _):
            return .redirect(to: Self.manifestPath(id, done: created ? "created" : "saved", outcome: view.outcome))
        }
    }

    /// `POST /bots/{id}/enable` and `/disable`.
    func setEnabled(_ enabled: Bool, _ request: Request, _ context: HostRequestContext) async throws -> Response {
        let (view, _) = try await api.changeEnabled(enabled, ifMatch: nil, request, context)
        let id = try ManagementAPI.botID(context)
        return .redirect(to: Self.manifestPath(id, done: enabled ? "enabled" : "disabled", outcome: view.outcome))
    }

    /// The editor's address with the notice of what was `done` and the reload's `outcome`.
    static func manifestPath(_ id: String, done: String, outcome: String) -> String {
        "/bots/\(pathSegment(id))/manifest?done=\(done)&outcome=\(outcome)"
    }

    /// `GET /bots/{id}/delete`: asks to type the bot's id to confirm.
    func deletePage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        let stored = try await api.storedManifest(context)
        let id = try ManagementAPI.botID(context)
        return templates.render(
            .delete,
            DeletePage(
                chrome: Chrome(title: "Delete \(id)", session: session),
                csrf: session.csrfToken,
                id: id,
                entityTag: stored.entityTag,
                error: nil
            )
        )
    }

    /// `POST /bots/{id}/delete`: deletes when the typed id matches; the bot stops.
    func delete(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let id = try ManagementAPI.botID(context)
        guard form.trimmed("confirm") == id else {
            let stored = try await api.storedManifest(context)
            var response = templates.render(
                .delete,
                DeletePage(
                    chrome: Chrome(title: "Delete \(id)", session: session),
                    csrf: session.csrfToken,
                    id: id,
                    entityTag: stored.entityTag,
                    error: "Type \(id) to confirm."
                )
            )
            response.status = .badRequest
            return response
        }
        _ = try await api.removeManifest(ifMatch: form.trimmed("etag"), request, context)
        return .redirect(to: "/?done=deleted")
    }

    private func editor(
        _ session: DashboardSession,
        id: String,
        text: String,
        entityTag: String,
        isNew: Bool,
        errors: [ManifestError]
    ) -> Response {
        let view = editorView(session, id: id, text: text, entityTag: entityTag, isNew: isNew, errors: errors)
        return templates.render(.manifest, view, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    private func editorView(
        _ session: DashboardSession,
        id: String,
        text: String,
        entityTag: String,
        isNew: Bool,
        errors: [ManifestError]
    ) -> ManifestPage {
        var chrome = Chrome(title: isNew ? "New bot" : "Manifest of \(id)", session: session)
        chrome.onNew = isNew
        let byLine = Dictionary(grouping: errors.filter { $0.line != nil }, by: { $0.line ?? 0 })
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            let messages = (byLine[index + 1] ?? []).map { ($0.key.map { "\($0): " } ?? "") + $0.message }
            return ManifestPage.Line(
                number: index + 1,
                text: String(line),
                errors: messages,
                hasErrors: !messages.isEmpty
            )
        }
        let general = errors.filter { $0.line == nil || $0.line! > lines.count }.map {
            ($0.key.map { "\($0): " } ?? "") + $0.message
        }
        return ManifestPage(
            chrome: chrome,
            csrf: session.csrfToken,
            isNew: isNew,
            id: id,
            entityTag: entityTag,
            text: text,
            hasErrors: !errors.isEmpty,
            errorCount: errors.count,
            lines: errors.isEmpty ? [] : lines,
            generalErrors: general
        )
    }
}
