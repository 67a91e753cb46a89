import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import HTTPTypes
import Logging
import Storage
import Tenant
import Yams

/// Sandbox bots: a person writes, presses a button, reads the conversation.
extension ManagementAPI {
    func sandboxSend(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<SandboxAcceptedView> {
        _ = try sandboxBot(context)
        guard let body: SandboxMessageRequest = try await decodeOptional(request, context) else {
            throw Problem.badRequest("send a JSON body such as {\"user_id\": 1, \"text\": \"/start\"}")
        }
        return try await sandboxSend(body, context, wait: Self.answerWait(request))
    }

    /// A person writes to the sandbox bot named in the path; with `wait` (seconds), the answer
    /// carries the bot's whole answer (``SandboxAnswer``).
    func sandboxSend(_ body: SandboxMessageRequest, _ context: HostRequestContext, wait: Int64? = nil) async throws
        -> EditedResponse<SandboxAcceptedView>
    {
        let (tenant, sandbox) = try sandboxBot(context)
        try body.validate()
        guard let tenant else { throw Problem.conflict("the bot is not running; start it first") }
        let before = sandbox.revision(chatID: body.userId)
        let update: ReceivedUpdate
        do {
            update = try sandbox.userWrites(body.text, by: body.person, photo: body.photo)
        } catch {
            throw Problem(status: .tooManyRequests, detail: error.description)
        }
        try await tenantCall { try await tenant.ingest([update]) }
        return await accepted(update, chatID: body.userId, after: before, wait: wait, tenant, sandbox)
    }

    func sandboxPress(_ request: Request, _ context: HostRequestContext) async throws -> EditedResponse<SandboxAcceptedView> {
        _ = try sandboxBot(context)
        guard let body: SandboxPressRequest = try await decodeOptional(request, context) else {
            throw Problem.badRequest("send a JSON body such as {\"user_id\": 1, \"message_id\": 2, \"data\": \"reply:rules\"}")
        }
        return try await sandboxPress(body, context, wait: Self.answerWait(request))
    }

    /// A person presses a button under one of the sandbox bot's messages; with `wait`
    /// (seconds), the answer carries the bot's whole answer (``SandboxAnswer``).
    func sandboxPress(_ body: SandboxPressRequest, _ context: HostRequestContext, wait: Int64? = nil) async throws
        -> EditedResponse<SandboxAcceptedView>
    {
        let (tenant, sandbox) = try sandboxBot(context)
        try body.validate()
        guard let tenant else { throw Problem.conflict("the bot is not running; start it first") }
        let before = sandbox.revision(chatID: body.userId)
        let update: ReceivedUpdate
        do {
            update = try sandbox.userPresses(body.data, onMessage: body.messageId, by: body.person)
        } catch let error as SandboxError {
            throw Problem.badRequest(error.description)
        }
        try await tenantCall { try await tenant.ingest([update]) }
        return await accepted(update, chatID: body.userId, after: before, wait: wait, tenant, sandbox)
    }

    /// The answer to a write or press: its update id, and with `wait`, what changed in the
    /// conversation since just before it once the bot settled or `wait` seconds ran out.
    private func accepted(
        _ update: ReceivedUpdate, chatID: Int64, after before: Int64, wait: Int64?, _ tenant: Tenant,
        _ sandbox: SandboxPlatform
    ) async -> EditedResponse<SandboxAcceptedView> {
        var view = SandboxAcceptedView(updateId: update.id)
        if let wait {
            let answered = await SandboxAnswer.settle(tenant, sandbox: sandbox, timeout: .seconds(wait))
            let conversation = SandboxConversationView(messages: sandbox.messages(chatID: chatID, after: before), after: before)
            view.answered = answered
            view.messages = conversation.messages
            view.revision = conversation.revision
        }
        return EditedResponse(status: .accepted, response: view)
    }

    /// The `wait` of a write or press: `nil` when absent, else 0 to 30 seconds.
    private static func answerWait(_ request: Request) throws -> Int64? {
        guard request.uri.queryParameters["wait"] != nil else { return nil }
        return try integerQuery(request, "wait", range: SandboxAnswer.longestWait, default: 0)
    }

    func sandboxConversation(_ request: Request, _ context: HostRequestContext) async throws -> SandboxConversationView {
        let (_, sandbox) = try sandboxBot(context)
        let range = SandboxLimits.userIDs
        guard let userID = context.parameters.get("user_id", as: Int64.self), range.contains(userID) else {
            throw Problem.badRequest("user_id must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        let after = try Self.integerQuery(request, "after", range: 0...Int64.max, default: 0)
        let wait = try Self.integerQuery(request, "wait", range: SandboxAnswer.longestWait, default: 0)
        let messages = await sandbox.waitForMessages(chatID: userID, after: after, timeout: .seconds(wait))
        return SandboxConversationView(messages: messages, after: after)
    }

    /// The sandbox bot named in the path (404 for a bot of another platform) and its Tenant
    /// while it runs.
    func sandboxBot(_ context: HostRequestContext) throws -> (Tenant?, SandboxPlatform) {
        let entry = try visibleBot(context)
        guard entry.manifest.platform == .sandbox, let sandbox = supervisor.sandboxes[entry.manifest.id] else {
            throw Problem.notFound("bot '\(entry.manifest.id)' is not a sandbox bot")
        }
        return (entry.tenant, sandbox)
    }
}
