public import AsyncHTTPClient
public import Foundation
public import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// One bot on Matrix: a user of the host's application service, acting through the client-server
/// API with the service's `as_token` and `?user_id=`. It creates its user and its device when it
/// starts, and sends every event with that device and a transaction id made of the outbox id, so
/// that the homeserver deduplicates a resend, even across its own restart.
public struct MatrixClient: PlatformClient {
    /// The bot's settings on the homeserver.
    public struct Account: Sendable, Equatable {
        /// The homeserver's client-server API (`https://matrix.example.org`).
        public var homeserver: URL
        /// The bot's localpart, inside the service's user namespace.
        public var localpart: String
        /// The homeserver's name (`example.org`), the part after `:` in user ids.
        public var serverName: String
        /// The display name set on start.
        public var displayName: String
        /// An `mxc://` avatar set on start, if any.
        public var avatarURL: String?
        /// `m.notice` (the default: other bots ignore notices) or `m.text`.
        public var messageType = "m.notice"

        /// Creates an account.
        public init(homeserver: URL, localpart: String, serverName: String, displayName: String, avatarURL: String?) {
            self.homeserver = homeserver
            self.localpart = localpart
            self.serverName = serverName
            self.displayName = displayName
            self.avatarURL = avatarURL
        }

        /// `@localpart:server`.
        public var userID: String { "@\(localpart):\(serverName)" }
    }

    /// The device every send names, so that Synapse keeps its transaction ids across a restart.
    public static let deviceID = "AVIARY"

    let account: Account
    let asToken: String
    let directory: any MatrixDirectory
    let httpClient: HTTPClient
    let logger: Logger
    var callTimeout: TimeAmount = .seconds(30)

    /// Creates the client of `account`, authenticated by the application service's `asToken`.
    public init(
        account: Account,
        asToken: String,
        directory: any MatrixDirectory,
        httpClient: HTTPClient,
        logger: Logger
    ) {
        self.account = account
        self.asToken = asToken
        self.directory = directory
        self.httpClient = httpClient
        self.logger = logger
    }

    /// Registers the bot's user (already there is fine), creates its device and sets its profile.
    public func identify() async throws -> BotIdentity {
        let register: [String: Any] = [
            "type": "m.login.application_service", "username": account.localpart, "inhibit_login": true,
        ]
        do {
            _ = try await call(.POST, "/_matrix/client/v3/register", body: register, method: "register", asUser: false)
        } catch let error as PlatformError where error.message.hasPrefix("M_USER_IN_USE") {
            // Registered by an earlier start.
        }
        _ = try await call(
            .PUT,
            "/_matrix/client/v3/devices/\(Self.deviceID)",
            body: ["display_name": "Aviary"],
            method: "devices"
        )
        let profile = "/_matrix/client/v3/profile/\(Self.escaped(account.userID))"
        _ = try await call(
            .PUT,
            profile + "/displayname",
            body: ["displayname": account.displayName],
            method: "profile"
        )
        if let avatar = account.avatarURL {
            _ = try await call(.PUT, profile + "/avatar_url", body: ["avatar_url": avatar], method: "profile")
        }
        return BotIdentity(
            userID: try directory.number(for: account.userID),
            username: account.localpart,
            displayName: account.displayName
        )
    }

    /// Joins `room` as the bot (accepting an invite).
    public func join(_ room: String) async throws {
        _ = try await call(.POST, "/_matrix/client/v3/rooms/\(Self.escaped(room))/join", body: [:], method: "join")
    }

    /// Leaves `room` (declining an invite) with `reason`, which the inviter sees.
    public func leave(_ room: String, reason: String) async throws {
        _ = try await call(
            .POST,
            "/_matrix/client/v3/rooms/\(Self.escaped(room))/leave",
            body: ["reason": reason],
            method: "leave"
        )
    }

    /// The room's latest `limit` events as the bot sees them, as a transaction body
    /// (`{"events": […]}`): what a person wrote between inviting the bot and its join, which the
    /// homeserver pushes to no application service.
    public func recentEvents(in room: String, limit: Int) async throws -> Data {
        let answer = try await call(
            .GET,
            "/_matrix/client/v3/rooms/\(Self.escaped(room))/messages?dir=b&limit=\(limit)",
            body: nil,
            method: "messages",
            separator: "&"
        )
        return try JSONSerialization.data(withJSONObject: ["events": answer["chunk"] ?? []])
    }

    public func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        try await perform(action, idempotencyKey: nil)
    }

    public func perform(_ action: OutgoingAction, idempotencyKey: String?) async throws -> DeliveryReceipt {
        let key = idempotencyKey ?? UUID().uuidString
        let room = try roomID(of: action.chatID)
        switch action {
        case .send(let message):
            let replyTo = try message.replyToMessageID.flatMap { try directory.name(for: $0) }
            let parts = MatrixMessageContent.parts(of: message, messageType: account.messageType, replyTo: replyTo)
            var last: String?
            for (index, content) in parts.enumerated() {
                last = try await send(content, type: "m.room.message", in: room, transaction: "\(key).\(index)")
            }
            var buttons = MatrixMessageContent.numbered(message.buttons)
            guard let event = last else { return DeliveryReceipt(messageID: nil) }
            if !buttons.isEmpty {
                try directory.rememberButtons(bot: account.userID, room: room, event: event, buttons: buttons)
                for index in buttons.indices.prefix(MatrixButton.keys.count) {
                    buttons[index].reaction = try await react(to: event, number: index, in: room, key: key)
                }
                try directory.rememberButtons(bot: account.userID, room: room, event: event, buttons: buttons)
            }
            return DeliveryReceipt(messageID: try directory.number(for: event))
        case .edit(let edit):
            guard let original = try directory.name(for: edit.messageID) else {
                throw PlatformError(kind: .permanent, method: "edit", message: "unknown message \(edit.messageID)")
            }
            let content = MatrixMessageContent.replacement(of: original, with: edit, messageType: account.messageType)
            let event = try await send(content, type: "m.room.message", in: room, transaction: "\(key).0")
            try await replaceButtons(of: original, in: room, with: edit.buttons, key: key)
            return DeliveryReceipt(messageID: try directory.number(for: event))
        case .editButtons(let edit):
            guard let original = try directory.name(for: edit.messageID) else { return DeliveryReceipt(messageID: nil) }
            try await replaceButtons(of: original, in: room, with: edit.buttons, key: key)
            return DeliveryReceipt(messageID: edit.messageID)
        case .answerCallback:
            // Matrix shows no toast for a press; the plugin's reply is the answer.
            return DeliveryReceipt(messageID: nil)
        }
    }

    /// Records `buttons` as what event `original` answers now, keeping its number reactions in
    /// step when it shows the bot's latest buttons: reactions for buttons gone are redacted (all
    /// of them for "remove buttons", so that no one presses them again), new buttons get theirs.
    private func replaceButtons(of original: String, in room: String, with buttons: [[InlineButton]], key: String)
        async throws
    {
        var numbered = MatrixMessageContent.numbered(buttons)
        if let shown = try directory.buttons(bot: account.userID, room: room), shown.event == original {
            for (index, button) in shown.buttons.enumerated() {
                if numbered.indices.contains(index) {
                    numbered[index].reaction = button.reaction
                } else if let reaction = button.reaction {
                    try await redact(reaction, in: room, transaction: "\(key).x\(index)")
                }
            }
            for index in shown.buttons.count..<max(shown.buttons.count, min(numbered.count, MatrixButton.keys.count)) {
                numbered[index].reaction = try await react(to: original, number: index, in: room, key: key)
            }
        }
        try directory.rememberButtons(bot: account.userID, room: room, event: original, buttons: numbered)
    }

    /// Adds the number reaction of button `number` (0 is 1️⃣) under `event`; returns its event id.
    private func react(to event: String, number: Int, in room: String, key: String) async throws -> String {
        let content: [String: Any] = [
            "m.relates_to": ["rel_type": "m.annotation", "event_id": event, "key": MatrixButton.keys[number]]
        ]
        return try await send(content, type: "m.reaction", in: room, transaction: "\(key).r\(number)")
    }

    /// Sends the plain `text` into `room` as an `m.notice`, outside the outbox (the host's own
    /// word, such as why the bot leaves), under `transaction`.
    public func notice(_ text: String, in room: String, transaction: String) async throws {
        _ = try await send(["msgtype": "m.notice", "body": text], type: "m.room.message", in: room, transaction: transaction)
    }

    /// Redacts `event` in `room` as the bot (`PUT …/redact/{event}/{txnId}`): a person's
    /// reaction after a press, or the bot's own. Synapse refuses (403) where the bot's power
    /// level is below the room's `redact` level and the event is someone else's.
    public func redact(_ event: String, in room: String, transaction: String) async throws {
        let path =
            "/_matrix/client/v3/rooms/\(Self.escaped(room))/redact/\(Self.escaped(event))/"
            + Self.escaped("\(account.localpart).\(transaction)")
        _ = try await call(.PUT, path, body: [:], method: "redact", device: true)
    }

    /// The room of `chat`.
    ///
    /// - Throws: ``PlatformError`` `.migrated` with the replacement's chat when a tombstone
    ///   replaced the room: the sender moves the chat there and sends again, as for a Telegram
    ///   group that became a supergroup.
    private func roomID(of chat: Int64) throws -> String {
        guard let room = try directory.name(for: chat), room.hasPrefix("!") else {
            throw PlatformError(kind: .permanent, method: "send", message: "chat \(chat) is no Matrix room")
        }
        if let replacement = try directory.replacement(of: room) {
            throw PlatformError(
                kind: .migrated(toChatID: try directory.number(for: replacement)),
                method: "send",
                message: "\(room) was replaced by \(replacement)"
            )
        }
        return room
    }

    /// Sends one event with the bot's device under `transaction` (prefixed with the localpart:
    /// Synapse keys application-service transaction ids by path and service, not by user).
    private func send(_ content: [String: Any], type: String, in room: String, transaction: String) async throws
        -> String
    {
        let path =
            "/_matrix/client/v3/rooms/\(Self.escaped(room))/send/\(type)/"
            + Self.escaped("\(account.localpart).\(transaction)")
        let answer = try await call(.PUT, path, body: content, method: "send", device: true)
        guard let event = answer["event_id"] as? String else {
            throw PlatformError(kind: .transient, method: "send", message: "answer without an event_id")
        }
        return event
    }

    /// Calls the client-server API as the bot and returns the JSON object answered.
    func call(
        _ verb: HTTPMethod,
        _ path: String,
        body: [String: Any]?,
        method: String,
        asUser: Bool = true,
        device: Bool = false,
        separator: String = "?"
    ) async throws -> [String: Any] {
        let bytes = try body.map { ByteBuffer(data: try JSONSerialization.data(withJSONObject: $0)) }
        let data = try await exchange(
            verb,
            path,
            body: bytes,
            contentType: "application/json",
            method: method,
            asUser: asUser,
            device: device,
            separator: separator
        )
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Calls the homeserver as the bot with `body` of `contentType` and returns the answer's
    /// bytes, at most `limit` of them.
    ///
    /// - Throws: ``PlatformError`` classified by ``MatrixErrors`` for an answer that is not 2xx,
    ///   transient when the homeserver cannot be reached.
    func exchange(
        _ verb: HTTPMethod,
        _ path: String,
        body: ByteBuffer?,
        contentType: String,
        method: String,
        asUser: Bool = true,
        device: Bool = false,
        separator: String = "?",
        limit: Int = 1 << 20
    ) async throws -> Data {
        var query = asUser ? "\(separator)user_id=\(Self.escaped(account.userID))" : ""
        if device { query += "&device_id=\(Self.deviceID)" }
        var request = HTTPClientRequest(url: Self.address(account.homeserver, path + query))
        request.method = verb
        request.headers.add(name: "Authorization", value: "Bearer \(asToken)")
        request.headers.add(name: "Content-Type", value: contentType)
        if let body { request.body = .bytes(body) }
        let status: Int
        let data: Data
        do {
            let response = try await httpClient.execute(request, timeout: callTimeout)
            status = Int(response.status.code)
            data = Data(buffer: try await response.body.collect(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw PlatformError(kind: .permanent, method: method, message: "the answer is over \(limit) bytes")
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PlatformError(kind: .transient, method: method, message: "\(error)")
        }
        guard (200..<300).contains(status) else {
            let failure = MatrixErrors.error(status: status, body: data, method: method)
            logger.debug("Matrix call failed", metadata: ["method": "\(method)", "error": "\(failure)"])
            throw failure
        }
        return data
    }

    /// `path` (beginning with `/`) on the homeserver at `base`, written with or without a final `/`.
    public static func address(_ base: URL, _ path: String) -> String {
        let text = base.absoluteString
        return (text.hasSuffix("/") ? String(text.dropLast()) : text) + path
    }

    /// A path segment or query value with everything but unreserved characters percent-encoded.
    static func escaped(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
