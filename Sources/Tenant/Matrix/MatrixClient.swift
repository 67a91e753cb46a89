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
            let buttons = MatrixMessageContent.numbered(message.buttons)
            guard let event = last else { return DeliveryReceipt(messageID: nil) }
            if !buttons.isEmpty {
                try directory.rememberButtons(bot: account.userID, room: room, event: event, buttons: buttons)
                for (index, reaction) in MatrixButton.keys.prefix(buttons.count).enumerated() {
                    let content: [String: Any] = [
                        "m.relates_to": ["rel_type": "m.annotation", "event_id": event, "key": reaction]
                    ]
                    _ = try await send(content, type: "m.reaction", in: room, transaction: "\(key).r\(index)")
                }
            }
            return DeliveryReceipt(messageID: try directory.number(for: event))
        case .edit(let edit):
            guard let original = try directory.name(for: edit.messageID) else {
                throw PlatformError(kind: .permanent, method: "edit", message: "unknown message \(edit.messageID)")
            }
            let content = MatrixMessageContent.replacement(of: original, with: edit, messageType: account.messageType)
            let event = try await send(content, type: "m.room.message", in: room, transaction: "\(key).0")
            try directory.rememberButtons(
                bot: account.userID,
                room: room,
                event: original,
                buttons: MatrixMessageContent.numbered(edit.buttons)
            )
            return DeliveryReceipt(messageID: try directory.number(for: event))
        case .editButtons(let edit):
            guard let original = try directory.name(for: edit.messageID) else { return DeliveryReceipt(messageID: nil) }
            try directory.rememberButtons(
                bot: account.userID,
                room: room,
                event: original,
                buttons: MatrixMessageContent.numbered(edit.buttons)
            )
            return DeliveryReceipt(messageID: edit.messageID)
        case .answerCallback:
            // Matrix shows no toast for a press; the plugin's reply is the answer.
            return DeliveryReceipt(messageID: nil)
        }
    }

    private func roomID(of chat: Int64) throws -> String {
        guard let room = try directory.name(for: chat), room.hasPrefix("!") else {
            throw PlatformError(kind: .permanent, method: "send", message: "chat \(chat) is no Matrix room")
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
    private func call(
        _ verb: HTTPMethod,
        _ path: String,
        body: [String: Any]?,
        method: String,
        asUser: Bool = true,
        device: Bool = false,
        separator: String = "?"
    ) async throws -> [String: Any] {
        var query = asUser ? "\(separator)user_id=\(Self.escaped(account.userID))" : ""
        if device { query += "&device_id=\(Self.deviceID)" }
        var request = HTTPClientRequest(url: Self.address(account.homeserver, path + query))
        request.method = verb
        request.headers.add(name: "Authorization", value: "Bearer \(asToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        if let body { request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))) }
        let status: Int
        let data: Data
        do {
            let response = try await httpClient.execute(request, timeout: callTimeout)
            status = Int(response.status.code)
            data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PlatformError(kind: .transient, method: method, message: "\(error)")
        }
        guard (200..<300).contains(status) else {
            let failure = MatrixErrors.error(status: status, body: data, method: method)
            logger.debug("Matrix call failed", metadata: ["method": "\(method)", "error": "\(failure)"])
            throw failure
        }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
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
