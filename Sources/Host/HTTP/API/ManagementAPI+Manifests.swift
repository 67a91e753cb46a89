import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage
import Yams

/// A bot's manifest through the API: read it, write it (create or edit), delete it, enable or
/// disable it. Every write is validated as `aviary check` would, written atomically into
/// `bots.d`, applied by a reload, and recorded in the audit log.
extension ManagementAPI {
    /// `GET /bots/{id}/manifest`: the file as written, secrets masked, with its `ETag`.
    func getManifest(_ context: HostRequestContext) async throws -> Response {
        let stored = try await storedManifest(context)
        let text = String(decoding: stored.data, as: UTF8.self)
        guard YAMLPreflight.refusal(of: text, limits: .manifest) == nil else {
            throw Problem.conflict("the manifest file is not within the manifest limits; fix it in bots.d")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        headers[.eTag] = stored.entityTag
        let masked = await ManifestLoader.away { ManifestText.masked(text) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: masked)))
    }

    /// `PUT /bots/{id}/manifest`: creates the bot, or replaces its manifest when `If-Match`
    /// names the file as it is now.
    func putManifest(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let id = try Self.botID(context)
        let text = try await Self.manifestText(request)
        switch try await writeManifest(id: id, text: text, ifMatch: request.headers[.ifMatch], request, context) {
        case .invalid(let errors):
            return try Self.invalid(errors, request: request, context: context)
        case .written(let view, let created, let entityTag):
            return try Self.answer(
                view,
                status: created ? .created : .ok,
                entityTag: entityTag,
                request: request,
                context: context
            )
        }
    }

    /// What a manifest write came to.
    enum WriteOutcome: Sendable {
        /// The text has errors, each located; nothing was written.
        case invalid([ManifestError])
        /// Written and applied: the reload's outcome, whether the bot is new, the file's new tag.
        case written(ManifestWriteView, created: Bool, entityTag: String)
    }

    /// Creates bot `id` from `text`, or replaces its manifest when `ifMatch` names the file as
    /// it is now (for the API and the dashboard's editor).
    func writeManifest(
        id: String,
        text: String,
        ifMatch: String?,
        _ request: Request,
        _ context: HostRequestContext
    ) async throws -> WriteOutcome {
        guard let caller = context.caller else { throw Problem(status: .unauthorized, detail: "no caller") }
        let stored = await editor.stored(id: id)
        if let stored, case .brand(let own) = caller, stored.bot?.manifest.brand != own {
            throw Problem.conflict(
                stored.bot == nil
                    ? "a manifest file for '\(id)' exists but does not load; the host's admin must fix or remove it"
                    : "the id '\(id)' is taken; choose another"
            )
        }
        let file = stored?.file ?? editor.newFile(for: id)
        let storedText = stored.map { String(decoding: $0.data, as: UTF8.self) }
        let (text, maskedErrors) = await ManifestLoader.away {
            MaskedValues.restore(text, stored: storedText, admin: caller == .admin, file: file)
        }
        let source: ManifestSource = caller == .admin ? .host : .brandOwned(tokenFile: editor.tokenFile(for: id))
        let outcome = await loader.validateAway(yaml: text, fileName: file, source: source)
        guard outcome.isMapping else {
            let problems = outcome.errors.map(\.description).joined(separator: "; ")
            throw Problem.badRequest("the body is not a YAML mapping within the limits (\(problems))")
        }
        // A body that is a manifest at all, then the version it replaces, then what is wrong in it.
        try Self.checkPrecondition(ifMatch, current: stored?.entityTag, required: true)
        guard maskedErrors.isEmpty else { return .invalid(maskedErrors) }
        var errors = outcome.errors
        if let manifest = outcome.bot?.manifest {
            errors += Self.ownership(of: manifest, id: id, caller: caller, outcome: outcome, file: file)
            errors += Self.matrixNamespace(
                of: manifest, caller: caller, userPrefix: hostConfig?.current.matrix?.userPrefix, outcome: outcome)
        }
        guard errors.isEmpty, let bot = outcome.bot else { return .invalid(errors) }
        try await refuseSharing(bot.manifest, id: id, caller: caller, isNew: stored == nil)
        let tokenFile = editor.tokenFile(for: id)
        let (written, secret) = await ManifestLoader.away { Self.secretStored(text, tokenFile: tokenFile, bot: bot) }
        do {
            try await editor.write(written, to: file, expected: stored?.data, secret: secret)
        } catch {
            throw Self.problem(error)
        }
        let result = await reloaded(id: id, file: file)
        let changes = stored?.bot.map { ManifestDiff.changes(from: $0.manifest, to: bot.manifest) } ?? []
        await audit(
            stored == nil ? "manifest.created" : "manifest.edited",
            bot: id,
            brand: bot.manifest.brand,
            outcome: result.outcome,
            detail: changes.isEmpty ? nil : changes.joined(separator: "\n"),
            request,
            context
        )
        return .written(
            result.with(changes: changes),
            created: stored == nil,
            entityTag: ManifestFiles.entityTag(of: Data(written.utf8))
        )
    }

    /// `DELETE /bots/{id}/manifest`: removes the manifest and the bot's secret file; the bot
    /// stops. Its database stays in the data folder.
    func deleteManifest(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let result = try await removeManifest(ifMatch: request.headers[.ifMatch], request, context)
        return try Self.answer(result, status: .ok, entityTag: nil, request: request, context: context)
    }

    /// Removes the manifest of the bot in the path (and its secret file) when `ifMatch`, if
    /// given, names it as it is now; the bot stops.
    func removeManifest(ifMatch: String?, _ request: Request, _ context: HostRequestContext) async throws
        -> ManifestWriteView
    {
        let stored = try await storedManifest(context)
        let id = try Self.botID(context)
        try Self.checkPrecondition(ifMatch, current: stored.entityTag, required: false)
        do {
            let expected = ifMatch == nil ? nil : stored.data
            try await editor.remove(stored.file, expected: expected, secret: editor.tokenFile(for: id))
        } catch {
            throw Self.problem(error)
        }
        let result = await reloaded(id: id, file: stored.file)
        await audit(
            "manifest.deleted",
            bot: id,
            brand: stored.bot?.manifest.brand,
            outcome: result.outcome,
            request,
            context
        )
        return result
    }

    /// `POST /bots/{id}/enable` and `/disable`: sets `enabled:` in the manifest file.
    func setEnabled(_ enabled: Bool, _ request: Request, _ context: HostRequestContext) async throws -> Response {
        let (result, entityTag) = try await changeEnabled(enabled, ifMatch: request.headers[.ifMatch], request, context)
        return try Self.answer(result, status: .ok, entityTag: entityTag, request: request, context: context)
    }

    /// Sets `enabled:` in the manifest of the bot in the path and applies it; the answer and
    /// the file's new tag.
    func changeEnabled(_ enabled: Bool, ifMatch: String?, _ request: Request, _ context: HostRequestContext)
        async throws -> (ManifestWriteView, String)
    {
        let stored = try await storedManifest(context)
        let id = try Self.botID(context)
        guard let bot = stored.bot else {
            throw Problem.conflict("the manifest of '\(id)' does not load; fix it before enabling or disabling it")
        }
        try Self.checkPrecondition(ifMatch, current: stored.entityTag, required: false)
        let text = String(decoding: stored.data, as: UTF8.self)
        guard let root = try? Yams.compose(yaml: text) else {
            throw Problem.conflict("the manifest of '\(id)' does not parse; fix it first")
        }
        let written = ManifestText.edit(
            text,
            root: root,
            appending: root.mapping?["enabled"] == nil ? [("enabled", .plain("\(enabled)"))] : []
        ) { path, _ in path == "enabled" ? .replace(key: "enabled", value: .plain("\(enabled)")) : .keep }
        do {
            try await editor.write(written, to: stored.file, expected: stored.data, secret: nil)
        } catch {
            throw Self.problem(error)
        }
        let result = await reloaded(id: id, file: stored.file)
        await audit(
            enabled ? "manifest.enabled" : "manifest.disabled",
            bot: id,
            brand: bot.manifest.brand,
            outcome: result.outcome,
            request,
            context
        )
        return (result, ManifestFiles.entityTag(of: Data(written.utf8)))
    }

    // MARK: Steps

    /// The manifest file of the bot in the path, if the caller may see it; 404 otherwise.
    func storedManifest(_ context: HostRequestContext) async throws -> ManifestEditor.Stored {
        let id = try Self.botID(context)
        guard let stored = await editor.stored(id: id) else { throw Problem.notFound("no bot '\(id)'") }
        switch context.caller {
        case .admin?: return stored
        case .brand(let own)? where stored.bot?.manifest.brand == own: return stored
        default: throw Problem.notFound("no bot '\(id)'")
        }
    }

    /// The bot id of the path, when it can be one (`[a-z0-9][a-z0-9-]{0,62}`); 404 otherwise.
    static func botID(_ context: HostRequestContext) throws -> String {
        let id = try context.parameters.require("bot_id")
        guard isBotID(id) else { throw Problem.notFound("no bot '\(Problem.excerpt(id))'") }
        return id
    }

    /// Whether `id` can be a bot id: `[a-z0-9][a-z0-9-]{0,62}`.
    static func isBotID(_ id: String) -> Bool {
        (1...63).contains(id.utf8.count)
            && id.utf8.enumerated().allSatisfy { index, byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (index > 0 && byte == UInt8(ascii: "-"))
            }
    }

    /// The body as UTF-8 manifest text of at most 256 KiB.
    private static func manifestText(_ request: Request) async throws -> String {
        let body = try await request.body.collect(upTo: YAMLLimits.manifest.maximumBytes)
        guard body.readableBytes > 0 else { throw Problem.badRequest("send the manifest's YAML as the request body") }
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw Problem.badRequest("the body is not UTF-8 text; send the manifest as UTF-8 YAML")
        }
        return text
    }

    /// Checks `If-Match` against the file's current tag: 428 when it is required for an existing
    /// file and missing, 412 when it names another version (or any version of a missing file).
    static func checkPrecondition(_ header: String?, current: String?, required: Bool) throws {
        guard let header else {
            if required, current != nil {
                throw Problem(
                    status: .preconditionRequired,
                    detail: "the bot exists; send If-Match with the ETag of the manifest you edited (GET it first)"
                )
            }
            return
        }
        let tags = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let current, tags.contains("*") || tags.contains(current) else {
            throw Problem(
                status: .preconditionFailed,
                detail: current == nil
                    ? "If-Match names a version, but the bot has no manifest; send no If-Match to create it"
                    : "the manifest changed since you read it; GET it again and apply your change to it"
            )
        }
    }

    /// What a writer may not do whatever the text says: give the bot another id than the
    /// address's, or, for a brand token, any other brand than its own.
    private static func ownership(
        of manifest: BotManifest,
        id: String,
        caller: Caller,
        outcome: ManifestValidation.Outcome,
        file: String
    ) -> [ManifestError] {
        var errors: [ManifestError] = []
        if manifest.id != id {
            errors.append(
                ManifestError(
                    file: file,
                    line: outcome.idLine,
                    key: "id",
                    message: "the id must be '\(id)', the bot's id in the address (or leave id: out)"
                )
            )
        }
        if case .brand(let own) = caller, manifest.brand != own {
            errors.append(
                ManifestError(
                    file: file,
                    line: nil,
                    key: "brand",
                    message: "a brand token writes bots of its own brand only; set brand: \(own)"
                )
            )
        }
        return errors
    }

    /// A brand's Matrix bot must be a user in the brand's own part of the service's namespace,
    /// `<user_prefix><brand>_…`: a Matrix user outlives its bot (its rooms, its people), so a
    /// brand taking a localpart another brand's bot once had would read that bot's rooms.
    private static func matrixNamespace(
        of manifest: BotManifest, caller: Caller, userPrefix: String?, outcome: ManifestValidation.Outcome
    ) -> [ManifestError] {
        guard case .brand(let own) = caller, let localpart = manifest.matrix?.localpart, let userPrefix else {
            return []
        }
        let required = userPrefix + own + "_"
        guard !localpart.hasPrefix(required) else { return [] }
        return [
            ManifestError(
                file: manifest.file,
                line: outcome.localpartLine,
                key: "matrix.localpart",
                message: "a brand's Matrix bots are users named \(required)…; write a localpart that begins so"
            )
        ]
    }

    /// 409 when the manifest would share a token, a database file or a Matrix user with another
    /// bot, or when a
    /// brand creates a bot whose database file already exists (left by an earlier bot, perhaps
    /// another brand's).
    private func refuseSharing(_ manifest: BotManifest, id: String, caller: Caller, isNew: Bool) async throws {
        for (otherID, other) in await editor.validBots() where otherID != id {
            let named = caller == .admin ? " ('\(otherID)')" : ""
            if let token = manifest.token, token == other.manifest.token {
                throw Problem.conflict("the token is already used by another bot\(named); each bot needs its own")
            }
            if manifest.databaseFile.lowercased() == other.manifest.databaseFile.lowercased() {
                throw Problem.conflict("the database file is already used by another bot\(named)")
            }
            if let localpart = manifest.matrix?.localpart, localpart == other.manifest.matrix?.localpart {
                throw Problem.conflict(
                    "the Matrix user '\(localpart)' is already another bot's\(named); each bot needs its own localpart")
            }
        }
        if isNew, caller != .admin,
            FileManager.default.fileExists(atPath: editor.options.databasePath(for: manifest))
        {
            throw Problem.conflict(
                "a database for '\(id)' is left from an earlier bot; choose another id, or ask the host's admin"
            )
        }
    }

    /// The text to store and the secret to write: a token written out in the text goes to
    /// `<data-dir>/secrets/<id>.token` and the text names it with `token_file`.
    private static func secretStored(_ text: String, tokenFile path: String, bot: LoadedBot)
        -> (String, (path: String, token: String)?)
    {
        guard let token = bot.manifest.token?.value, let root = try? Yams.compose(yaml: text),
            let written = root.mapping?["token"]?.scalar?.string, !written.contains("$")
        else { return (text, nil) }
        let stored = ManifestText.edit(text, root: root) { key, _ in
            key == "token" ? .replace(key: "token_file", value: .quoted(path)) : .keep
        }
        return (stored, (path, token))
    }

    /// 422 with every error, located by line.
    private static func invalid(_ errors: [ManifestError], request: Request, context: HostRequestContext) throws
        -> Response
    {
        let view = ValidationView(
            valid: false,
            bot: nil,
            errors: errors.map { .init(line: $0.line, key: $0.key, message: $0.message) }
        )
        var response = try view.response(from: request, context: context)
        response.status = .unprocessableContent
        return response
    }

    private static func answer(
        _ view: ManifestWriteView,
        status: HTTPResponse.Status,
        entityTag: String?,
        request: Request,
        context: HostRequestContext
    ) throws -> Response {
        var response = try view.response(from: request, context: context)
        response.status = status
        if let entityTag { response.headers[.eTag] = entityTag }
        return response
    }

    private static func problem(_ error: ManifestEditor.EditError) -> Problem {
        switch error {
        case .changed:
            Problem(
                status: .preconditionFailed,
                detail: "the manifest changed while your change was checked; GET it again and apply your change to it"
            )
        case .write(let failure):
            Problem(status: .internalServerError, detail: "the manifest could not be written: \(failure)")
        }
    }

    /// Applies a written manifest through the normal reload path; the answer for bot `id`.
    private func reloaded(id: String, file: String) async -> ManifestWriteView {
        let report = await supervisor.reload()
        return ManifestWriteView(id: id, file: file, report: report, state: supervisor.table[id]?.state.name)
    }
}
