import Foundation
import Synchronization
import NIOFoundationCompat
import Hummingbird
import NIOCore

extension FakeBotAPI {
    /// Answers one Bot API call: `/bot<token>/<method>`.
    func respond(to request: Request) async throws -> Response {
        let path = request.uri.path.split(separator: "/")
        guard path.count == 2, path[0].hasPrefix("bot") else {
            return Self.error(404, "Not Found")
        }
        let token = String(path[0].dropFirst(3))
        let method = String(path[1])
        var parameters: [String: Any] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        let body = try await request.body.collect(upTo: 1 << 20)
        if body.readableBytes > 0 {
            let data = Data(buffer: body)
            if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                parameters.merge(object) { _, new in new }
            } else if let form = String(data: data, encoding: .utf8) {
                for pair in form.split(separator: "&") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                    if parts.count == 2 { parameters[parts[0]] = parts[1] }
                }
            }
        }
        let records = self.records
        let failure: FakeFailure?? = state.withLock { state in
            guard state.bots[token] != nil else { return .none }
            if records {
                let recorded = parameters.mapValues { Self.jsonText($0) }
                state.bots[token]!.calls.append(RecordedCall(method: method, parameters: recorded))
            }
            if state.bots[token]!.failures[method]?.isEmpty == false {
                return .some(state.bots[token]!.failures[method]!.removeFirst())
            }
            return .some(nil)
        }
        notifyStateWaiters()
        await waitWhileHeld(token: token, method: method)
        guard let failure else { return Self.error(401, "Unauthorized") }
        switch failure {
        case .error(let code, let description, let parameters):
            return Self.error(code, description, parameters: parameters)
        case .badGateway:
            return Response(status: .badGateway, body: .init(byteBuffer: ByteBuffer(string: "<html>Bad Gateway</html>")))
        case nil:
            break
        }
        switch method {
        case "getMe": return getMe(token: token)
        case "getUpdates": return await getUpdates(token: token, parameters: parameters)
        case "sendMessage": return sendMessage(token: token, parameters: parameters)
        case "sendPhoto": return sendMessage(token: token, parameters: parameters, photo: true)
        case "editMessageText", "editMessageCaption", "editMessageReplyMarkup":
            return editMessage(token: token, method: method, parameters: parameters)
        case "answerCallbackQuery": return Self.ok(true)
        case "setWebhook":
            guard let url = parameters["url"] as? String, !url.isEmpty else {
                return Self.error(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
            }
            let replaced = state.withLock { state in
                state.bots[token]?.webhookURL = url
                state.bots[token]?.webhookSecret = parameters["secret_token"] as? String
                state.bots[token]?.webhookGeneration += 1
                return state.bots[token]?.takeWebhookWake()
            }
            replaced?.resume()
            startWebhookDelivery(token: token)
            return Self.ok(true)
        case "deleteWebhook":
            let deleted = state.withLock { state in
                state.bots[token]?.webhookURL = nil
                state.bots[token]?.webhookGeneration += 1
                if Self.bool(parameters["drop_pending_updates"]) { state.bots[token]?.pending.removeAll() }
                return state.bots[token]?.takeWebhookWake()
            }
            deleted?.resume()
            return Self.ok(true)
        case "getWebhookInfo":
            let url = state.withLock { $0.bots[token]?.webhookURL } ?? ""
            return Self.ok(["url": url, "pending_update_count": 0])
        default:
            return Self.error(404, "Not Found: method not found")
        }
    }

    private func getMe(token: String) -> Response {
        let bot = state.withLock { $0.bots[token] }!
        return Self.ok([
            "id": bot.userID, "is_bot": true, "first_name": bot.firstName, "username": bot.username,
            "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
        ])
    }

    private func getUpdates(token: String, parameters: [String: Any]) async -> Response {
        let offset = Self.int(parameters["offset"])
        let limit = min(max(Self.int(parameters["limit"]) ?? 100, 1), 100)
        let timeout = min(max(Self.int(parameters["timeout"]) ?? 0, 0), 50)
        let allowed = Self.stringList(parameters["allowed_updates"])
        let pollID = Int.random(in: 1...Int.max)
        let immediate = state.withLock { state -> Response? in
            guard var bot = state.bots[token] else { return Self.error(401, "Unauthorized") }
            if bot.webhookURL != nil {
                return Self.error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
            }
            if let allowed { bot.allowedUpdates = Set(allowed) }
            if let offset { bot.pending.removeAll { $0.id < offset } }
            let filter = bot
            bot.pending.removeAll { !filter.isAllowed($0.type) }
            if let previous = bot.poll {
                bot.poll = nil
                previous.continuation.resume(returning: .conflict)
            }
            state.bots[token] = bot
            if !bot.pending.isEmpty || timeout == 0 { return Self.updatesResponse(bot.pending.prefix(limit)) }
            return nil
        }
        if let immediate { return immediate }

        let wake = await withTaskGroup(of: PollWake?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let (ready, displaced) = self.state.withLock { state -> (Bool, CheckedContinuation<PollWake, Never>?) in
                        guard let bot = state.bots[token] else { return (true, nil) }
                        if !bot.pending.isEmpty { return (true, nil) }
                        // A poll that arrived meanwhile and got here first loses, like any older poll.
                        let displaced = bot.poll?.continuation
                        state.bots[token]!.poll = (pollID, continuation)
                        return (false, displaced)
                    }
                    displaced?.resume(returning: .conflict)
                    if ready { continuation.resume(returning: .updates) }
                    if !ready { self.notifyStateWaiters() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                let waiting = self.state.withLock { state -> CheckedContinuation<PollWake, Never>? in
                    guard let poll = state.bots[token]?.poll, poll.id == pollID else { return nil }
                    state.bots[token]!.poll = nil
                    return poll.continuation
                }
                waiting?.resume(returning: .timeout)
                return nil
            }
            var result: PollWake?
            while let next = await group.next() {
                if let next {
                    result = next
                    group.cancelAll()
                }
            }
            return result ?? .timeout
        }
        if records { state.withLock { $0.bots[token]?.pollWakes.append(wake) } }
        if wake == .conflict {
            return Self.error(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
        }
        let pending = state.withLock { $0.bots[token]?.pending.prefix(limit) ?? [] }
        return Self.updatesResponse(pending)
    }

    /// `sendMessage`, or `sendPhoto` when `photo`: a photo needs a `photo` file id and takes a
    /// `caption` of up to 1024 characters instead of a text.
    private func sendMessage(token: String, parameters: [String: Any], photo: Bool = false) -> Response {
        guard let chatID = Self.int64(parameters["chat_id"]) else { return Self.error(400, "Bad Request: chat_id is empty") }
        let photoID = parameters["photo"] as? String
        let text: String
        if photo {
            guard let photoID, !photoID.isEmpty else { return Self.error(400, "Bad Request: there is no photo in the request") }
            text = parameters["caption"] as? String ?? ""
            if text.utf16.count > 1024 { return Self.error(400, "Bad Request: message caption is too long") }
        } else {
            text = parameters["text"] as? String ?? ""
            if text.isEmpty { return Self.error(400, "Bad Request: message text is empty") }
            if text.utf16.count > 4096 { return Self.error(400, "Bad Request: message is too long") }
        }
        let replyTo = (parameters["reply_parameters"] as? [String: Any]).flatMap { Self.int64($0["message_id"]) }
            ?? Self.int64(parameters["reply_to_message_id"])
        let records = self.records
        // The bot is changed in place: copying it out would copy its whole history per message.
        let result = state.withLock { state -> (SentMessage, Int64, String)? in
            guard state.bots[token]?.knownChats.contains(chatID) == true else { return nil }
            let messageID = (state.bots[token]!.nextMessageID[chatID] ?? 0) + 1
            state.bots[token]!.nextMessageID[chatID] = messageID
            if photo { state.bots[token]!.photoMessages[chatID, default: []].insert(messageID) }
            let message = SentMessage(
                method: photo ? "sendPhoto" : "sendMessage", chatID: chatID, messageID: messageID, text: text,
                parseMode: parameters["parse_mode"] as? String, replyToMessageID: replyTo,
                buttons: Self.buttons(parameters["reply_markup"]), photo: photoID)
            if records {
                state.bots[token]!.sent.append(message)
                self.wakeSentWaiters(in: &state, token: token)
            }
            return (message, state.bots[token]!.userID, state.bots[token]!.username)
        }
        guard let (message, botID, username) = result else { return Self.error(400, "Bad Request: chat not found") }
        sentObserver.withLock { $0 }?.notify(token, message)
        let messageID = message.messageID
        return Self.ok([
            "message_id": messageID, "date": Int(Date().timeIntervalSince1970),
            "chat": ["id": chatID, "type": chatID < 0 ? "supergroup" : "private"],
            "from": ["id": botID, "is_bot": true, "first_name": "Bot", "username": username], "text": text,
        ])
    }

    /// `editMessageText`, `editMessageCaption` (only of a photo, at most 1024 characters) and
    /// `editMessageReplyMarkup` (recorded with an empty text), refused as Telegram does.
    private func editMessage(token: String, method: String, parameters: [String: Any]) -> Response {
        guard let chatID = Self.int64(parameters["chat_id"]), let messageID = Self.int64(parameters["message_id"]) else {
            return Self.error(400, "Bad Request: message to edit not found")
        }
        let text: String
        switch method {
        case "editMessageText":
            text = parameters["text"] as? String ?? ""
            if text.isEmpty { return Self.error(400, "Bad Request: message text is empty") }
        case "editMessageCaption":
            text = parameters["caption"] as? String ?? ""
            if text.utf16.count > 1024 { return Self.error(400, "Bad Request: message caption is too long") }
        default:
            text = ""
        }
        let refusal = state.withLock { state -> String? in
            guard var bot = state.bots[token], messageID <= (bot.nextMessageID[chatID] ?? 0) else {
                return "message to edit not found"
            }
            let isPhoto = bot.photoMessages[chatID]?.contains(messageID) == true
            if method == "editMessageText" && isPhoto { return "there is no text in the message to edit" }
            if method == "editMessageCaption" && !isPhoto { return "there is no caption in the message to edit" }
            bot.sent.append(SentMessage(
                method: method, chatID: chatID, messageID: messageID, text: text,
                parseMode: parameters["parse_mode"] as? String, replyToMessageID: nil,
                buttons: Self.buttons(parameters["reply_markup"])))
            state.bots[token] = bot
            self.wakeSentWaiters(in: &state, token: token)
            return nil
        }
        if let refusal { return Self.error(400, "Bad Request: \(refusal)") }
        return Self.ok(["message_id": messageID, "chat": ["id": chatID], "text": text])
    }

    private func wakeSentWaiters(in state: inout FakeState, token: String) {
        let count = state.bots[token]?.sent.count ?? 0
        for (id, waiter) in state.sentWaiters where waiter.token == token && count >= waiter.count {
            state.sentWaiters.removeValue(forKey: id)
            waiter.continuation.resume(returning: true)
        }
        for continuation in Self.takeDueStateWaiters(from: &state) { continuation.resume() }
    }
}
