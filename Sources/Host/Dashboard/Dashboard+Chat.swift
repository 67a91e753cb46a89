import Foundation
import Hummingbird
import Tenant

/// The sandbox chat pane: pick a sandbox bot and a person, talk, press buttons.
extension Dashboard {
    func chatPage(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        let session = try requireSession(context)
        var chrome = Chrome(title: "Sandbox chat", session: session)
        chrome.onChat = true
        let visible = supervisor.table.all.filter {
            $0.manifest.platform == .sandbox && context.caller?.mayAccess(brand: $0.manifest.brand) == true
        }
        let wanted = request.uri.queryParameters["bot"].map(String.init)
        guard let chosen = visible.first(where: { $0.manifest.id == wanted }) ?? visible.first,
            let sandbox = supervisor.sandboxes[chosen.manifest.id]
        else {
            return templates.render(
                .chat,
                ChatPage(chrome: chrome, csrf: session.csrfToken, hasBots: false, bots: [], people: [], newPerson: false))
        }
        let people = sandbox.people()
        let requested = request.uri.queryParameters["user"].map(String.init)
        let person: (id: Int64, name: String, isNew: Bool)
        if let requested, requested != "new" {
            guard let id = Int64(requested), SandboxLimits.userIDs.contains(id) else {
                let range = SandboxLimits.userIDs
                throw Problem.badRequest(
                    "user must be new or a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            let known = people.first { $0.id == id }
            person = (id, known?.firstName ?? "Guest \(id)", known == nil)
        } else if requested == nil, let first = people.first {
            person = (first.id, first.firstName, false)
        } else {
            let id = Self.newPersonID(among: people)
            person = (id, "Guest \(id)", true)
        }
        let messages = sandbox.messages(chatID: person.id)
        let conversation = ChatPage.Conversation(
            botID: chosen.manifest.id, botName: chosen.manifest.shown.name, running: chosen.tenant != nil, userID: person.id,
            personName: person.name, revision: messages.map(\.revision).max() ?? 0,
            messages: messages.map(Self.chatMessage))
        return templates.render(
            .chat,
            ChatPage(
                chrome: chrome, csrf: session.csrfToken, hasBots: true,
                bots: visible.map {
                    ChatPage.BotOption(
                        id: $0.manifest.id, name: $0.manifest.shown.name, running: $0.tenant != nil,
                        selected: $0.manifest.id == chosen.manifest.id)
                },
                people: people.map { ChatPage.Person(id: $0.id, name: $0.firstName, selected: $0.id == person.id && !person.isNew) },
                newPerson: person.isNew, conversation: conversation))
    }

    func chatSend(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let userID = try Self.userID(form)
        let text = form["text"] ?? ""
        // "Send a photo" makes up a file id: the sandbox has no pictures, only what plugins store.
        let photo = form["photo"] == nil ? nil : "sandbox-photo-" + UUID().uuidString.prefix(8).lowercased()
        guard photo != nil || !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest("write a message before sending")
        }
        let body = SandboxMessageRequest(userId: userID, firstName: form.trimmed("first_name"), text: text, photo: photo)
        let accepted = try await api.sandboxSend(body, context)
        return try chatAnswer(accepted, request, context, userID: userID)
    }

    func chatPress(_ request: Request, _ context: HostRequestContext) async throws -> Response {
        var request = request
        let form = FormFields(try await request.collectBody(upTo: DashboardAuthMiddleware.maximumForm))
        let userID = try Self.userID(form)
        guard let messageID = form.trimmed("message_id").flatMap({ Int64($0) }), let data = form["data"] else {
            throw Problem.badRequest("a button press needs message_id and data; reload the chat and press again")
        }
        let body = SandboxPressRequest(userId: userID, firstName: form.trimmed("first_name"), messageId: messageID, data: data)
        let accepted = try await api.sandboxPress(body, context)
        return try chatAnswer(accepted, request, context, userID: userID)
    }

    /// JSON for the pane's script; for a plain form post, back to the conversation.
    private func chatAnswer(
        _ accepted: EditedResponse<SandboxAcceptedView>, _ request: Request, _ context: HostRequestContext, userID: Int64
    ) throws -> Response {
        if request.wantsJSON { return try accepted.response(from: request, context: context) }
        let bot = try context.parameters.require("bot_id")
        return .redirect(to: "/chat?bot=\(Self.pathSegment(bot))&user=\(userID)")
    }

    private static func userID(_ form: FormFields) throws -> Int64 {
        let range = SandboxLimits.userIDs
        guard let text = form.trimmed("user_id"), let id = Int64(text), range.contains(id) else {
            throw Problem.badRequest("user_id must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return id
    }

    /// The id for someone new: one more than the largest id taken, or, when that would leave
    /// ``SandboxLimits/userIDs``, the smallest id nobody has. Never traps, whatever ids exist.
    static func newPersonID(among people: [User]) -> Int64 {
        let taken = Set(people.map(\.id))
        guard let largest = taken.max() else { return SandboxLimits.userIDs.lowerBound }
        let (next, overflow) = largest.addingReportingOverflow(1)
        if !overflow, SandboxLimits.userIDs.contains(next) { return next }
        var free = SandboxLimits.userIDs.lowerBound
        while taken.contains(free) { free += 1 }  // at most taken.count steps past the lower bound
        return free
    }

    private static func chatMessage(_ message: SandboxMessage) -> ChatPage.Message {
        ChatPage.Message(
            id: message.id, from: message.from.rawValue, fromLabel: message.from == .bot ? "Bot" : "You",
            text: (message.photo == nil ? "" : SandboxText.photoMark)
                + SandboxText.plain(message.text, parseMode: message.parseMode),
            notice: message.notice,
            rows: message.buttons.map { row in
                ChatPage.Row(
                    buttons: row.map { button in
                        switch button.action {
                        case .callback(let data): ChatPage.Button(text: button.text, data: data, messageID: message.id)
                        case .url(let url): ChatPage.Button(text: button.text, url: url, messageID: message.id)
                        }
                    })
            })
    }
}

/// A sandbox message's text as a person reads it: formatting marks removed.
enum SandboxText {
    /// Put before the caption of a photo: the sandbox has file ids, not pictures.
    static let photoMark = "📷 "

    /// `text` without HTML tags (entities decoded) or MarkdownV2 escapes, per `parseMode`.
    static func plain(_ text: String, parseMode: String?) -> String {
        switch parseMode {
        case "HTML":
            let stripped = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
            return stripped.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        case "MarkdownV2":
            return text.replacingOccurrences(of: "\\\\(.)", with: "$1", options: .regularExpression)
        default:
            return text
        }
    }
}
