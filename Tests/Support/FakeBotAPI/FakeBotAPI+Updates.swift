import Foundation
import Synchronization
import NIOFoundationCompat

extension FakeBotAPI {
    /// Queues an update built from `payload` under `type` (`["message": …]`), assigning its id.
    ///
    /// - Returns: The update id.
    @discardableResult
    public func enqueueUpdate(token: String, type: String, payload: [String: any Sendable]) -> Int64 {
        // Serialised outside the lock, which every bot's calls share; the id is spliced in under it.
        let body = try! JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        let chats = Self.chatIDs(in: payload)
        let (id, wake, webhookWake) = state.withLock {
            state -> (Int64, CheckedContinuation<PollWake, Never>?, CheckedContinuation<Void, Never>?) in
            guard state.bots[token] != nil else { preconditionFailure("no bot registered for this token") }
            // Changed in place: copying the bot out would copy its whole queue per update.
            let id = state.bots[token]!.nextUpdateID
            state.bots[token]!.nextUpdateID += 1
            var json = Data(#"{"\#(type)":"#.utf8)
            json.append(body)
            json.append(contentsOf: #","update_id":\#(id)}"#.utf8)
            for chat in chats { state.bots[token]!.knownChats.insert(chat) }
            state.bots[token]!.pending.append((id, type, json))
            guard state.bots[token]!.isAllowed(type) else { return (id, nil, nil) }
            let wake = state.bots[token]!.poll?.continuation
            state.bots[token]!.poll = nil
            let webhookWake = state.bots[token]!.webhookWake
            state.bots[token]!.webhookWake = nil
            return (id, wake, webhookWake)
        }
        wake?.resume(returning: .updates)
        webhookWake?.resume()
        return id
    }

    /// Queues a text message from `user` in `chatID` (their private chat when it is their id,
    /// else a supergroup), with a `bot_command` entity for a leading command.
    @discardableResult
    public func sendText(token: String, chatID: Int64, from user: FakeUser, text: String) -> Int64 {
        var message = Self.messageBase(chatID: chatID, from: user, messageID: nextIncomingMessageID(token: token))
        message["text"] = text
        if text.hasPrefix("/") {
            let length = text.utf16.prefix { $0 != 32 && $0 != 10 }.count
            message["entities"] = [["type": "bot_command", "offset": 0, "length": length] as [String: any Sendable]]
        }
        return enqueueUpdate(token: token, type: "message", payload: message)
    }

    /// Queues a press on an inline button of the bot's message `messageID`.
    @discardableResult
    public func pressButton(token: String, chatID: Int64, from user: FakeUser, messageID: Int64, data: String) -> Int64 {
        let botUser = state.withLock { $0.bots[token].map { ($0.userID, $0.username) } }
        var message = Self.messageBase(chatID: chatID, from: user, messageID: messageID)
        if let botUser {
            message["from"] = ["id": botUser.0, "is_bot": true, "first_name": "Bot", "username": botUser.1] as [String: any Sendable]
        }
        let query: [String: any Sendable] = [
            "id": "\(UInt64.random(in: 1...UInt64.max))", "from": Self.userJSON(user), "chat_instance": "\(chatID)",
            "message": message, "data": data,
        ]
        return enqueueUpdate(token: token, type: "callback_query", payload: query)
    }

    private func nextIncomingMessageID(token: String) -> Int64 {
        state.withLock { state in
            let next = (state.bots[token]?.nextMessageID[0] ?? 100_000) + 1
            state.bots[token]?.nextMessageID[0] = next
            return next
        }
    }

    static func messageBase(chatID: Int64, from user: FakeUser, messageID: Int64) -> [String: any Sendable] {
        let chat: [String: any Sendable] = chatID == user.id
            ? ["id": chatID, "type": "private", "first_name": user.firstName]
            : ["id": chatID, "type": "supergroup", "title": "Group \(chatID)"]
        return [
            "message_id": messageID, "date": Int(Date().timeIntervalSince1970), "chat": chat, "from": userJSON(user),
        ]
    }

    static func userJSON(_ user: FakeUser) -> [String: any Sendable] {
        var json: [String: any Sendable] = ["id": user.id, "is_bot": false, "first_name": user.firstName]
        if let username = user.username { json["username"] = username }
        if let languageCode = user.languageCode { json["language_code"] = languageCode }
        return json
    }

    private static func chatIDs(in payload: [String: any Sendable]) -> [Int64] {
        var ids: [Int64] = []
        if let chat = payload["chat"] as? [String: any Sendable], let id = chat["id"] as? Int64 { ids.append(id) }
        if let message = payload["message"] as? [String: any Sendable] { ids += chatIDs(in: message) }
        if let from = payload["from"] as? [String: any Sendable], let id = from["id"] as? Int64 { ids.append(id) }
        return ids
    }
}
