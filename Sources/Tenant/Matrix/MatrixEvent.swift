public import Foundation

/// One event of an application-service transaction, with the fields Aviary reads checked and
/// bounded; everything else stays in ``raw``.
public struct MatrixEvent: Sendable, Equatable {
    /// The event's id (`$…`), which deduplicates it.
    public var eventID: String
    /// The room it happened in (`!…:server`).
    public var roomID: String
    /// Who sent it (`@…:server`).
    public var sender: String
    /// Its type (`m.room.message`, `m.reaction`, `m.room.member`, …).
    public var type: String
    /// The state key of a state event (the member's id for `m.room.member`).
    public var stateKey: String?
    /// When the sender's server received it, in milliseconds since 1970.
    public var timestamp: Int64
    /// `content.msgtype`.
    public var messageType: String?
    /// `content.body`.
    public var body: String?
    /// `content.url` of a file or image: an `mxc://` URL, else `nil`.
    public var mediaURL: String?
    /// `content.filename`: a file's name when `body` is its caption.
    public var fileName: String?
    /// `content.replacement_room` of an `m.room.tombstone`: the room (`!…`) that replaces this one.
    public var replacementRoom: String?
    /// `content.membership`.
    public var membership: String?
    /// `content.is_direct` of an invite.
    public var isDirect: Bool
    /// Whether an invite's `unsigned.invite_room_state` shows the room encrypted (`m.room.encryption`).
    public var invitesToEncryptedRoom = false
    /// `content.m.relates_to.rel_type` (`m.annotation`, `m.replace`).
    public var relation: String?
    /// `content.m.relates_to.event_id`: the event a reaction or an edit is about.
    public var relatedEventID: String?
    /// `content.m.relates_to.key`: a reaction's emoji.
    public var reactionKey: String?
    /// `content.m.relates_to.m.in_reply_to.event_id`: the message this one answers.
    public var replyToEventID: String?
    /// The event's JSON as received.
    public var raw: Data
}

/// Why a transaction body or one of its events was refused.
public struct MatrixEventError: Error, Equatable, CustomStringConvertible {
    /// What is wrong, naming the field.
    public let message: String
    public var description: String { message }

    /// Creates an error saying what is wrong.
    public init(_ message: String) {
        self.message = message
    }
}

/// Reads the body of `PUT /_matrix/app/v1/transactions/{txnId}`.
///
/// The body must be a JSON object whose `events` is an array of at most ``maximumEvents``
/// objects. An event missing an id, room, sender or type, or with one longer than
/// ``maximumIDLength`` bytes, is skipped (it cannot be addressed or deduplicated) and counted;
/// a text body longer than ``maximumBodyLength`` bytes is cut there.
public enum MatrixTransactionParser {
    /// The most events one transaction may carry (Synapse sends at most 100, plus ephemeral ones).
    public static let maximumEvents = 1_000
    /// The longest id, room, sender or type, in bytes (the spec's limit for ids is 255).
    public static let maximumIDLength = 255
    /// The longest text body kept, in bytes (an event is at most 65,536 bytes whole).
    public static let maximumBodyLength = 65_536

    /// The events of a transaction body and how many were skipped as unreadable.
    ///
    /// - Throws: ``MatrixEventError`` when the body is not such an object.
    public static func events(in body: Data) throws -> (events: [MatrixEvent], skipped: Int) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: body, options: [])
        } catch {
            throw MatrixEventError("the body is not JSON")
        }
        guard let root = object as? [String: Any] else { throw MatrixEventError("the body is not a JSON object") }
        guard let list = root["events"] else { return ([], 0) }
        guard let items = list as? [Any] else { throw MatrixEventError("`events` is not an array") }
        guard items.count <= maximumEvents else {
            throw MatrixEventError("`events` holds \(items.count) events; at most \(maximumEvents) are taken")
        }
        var events: [MatrixEvent] = []
        var skipped = 0
        for item in items {
            if let event = item as? [String: Any], let parsed = parse(event) {
                events.append(parsed)
            } else {
                skipped += 1
            }
        }
        return (events, skipped)
    }

    /// One event, or `nil` when it lacks a usable id, room, sender or type.
    public static func parse(_ event: [String: Any]) -> MatrixEvent? {
        guard let eventID = identifier(event["event_id"]), let roomID = identifier(event["room_id"]),
            let sender = identifier(event["sender"]), let type = identifier(event["type"]),
            let raw = try? JSONSerialization.data(withJSONObject: event, options: [])
        else { return nil }
        let content = event["content"] as? [String: Any] ?? [:]
        let relates = content["m.relates_to"] as? [String: Any] ?? [:]
        let reply = relates["m.in_reply_to"] as? [String: Any] ?? [:]
        let timestamp = (event["origin_server_ts"] as? NSNumber).map { number -> Int64 in
            let value = number.doubleValue
            return value.isFinite && abs(value) < 1e15 ? Int64(value) : 0
        }
        let inviteState = (event["unsigned"] as? [String: Any])?["invite_room_state"] as? [Any] ?? []
        var parsed = MatrixEvent(
            eventID: eventID,
            roomID: roomID,
            sender: sender,
            type: type,
            stateKey: event["state_key"] is String ? identifier(event["state_key"]) ?? "" : nil,
            timestamp: timestamp ?? 0,
            messageType: identifier(content["msgtype"]),
            body: text(content["body"]),
            mediaURL: identifier(content["url"]).flatMap { $0.hasPrefix("mxc://") ? $0 : nil },
            fileName: identifier(content["filename"]),
            replacementRoom: identifier(content["replacement_room"]).flatMap { $0.hasPrefix("!") ? $0 : nil },
            membership: identifier(content["membership"]),
            isDirect: content["is_direct"] as? Bool ?? false,
            relation: identifier(relates["rel_type"]),
            relatedEventID: identifier(relates["event_id"]),
            reactionKey: identifier(relates["key"]),
            replyToEventID: identifier(reply["event_id"]),
            raw: raw
        )
        parsed.invitesToEncryptedRoom = inviteState.prefix(100).contains {
            ($0 as? [String: Any])?["type"] as? String == "m.room.encryption"
        }
        return parsed
    }

    /// A string of 1 to ``maximumIDLength`` bytes, without control characters.
    private static func identifier(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty, text.utf8.count <= maximumIDLength,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return text
    }

    /// A text cut to at most ``maximumBodyLength`` bytes, on a character boundary.
    private static func text(_ value: Any?) -> String? {
        guard let text = value as? String else { return nil }
        guard text.utf8.count > maximumBodyLength else { return text }
        var cut = ""
        var bytes = 0
        for character in text {
            bytes += character.utf8.count
            if bytes > maximumBodyLength { break }
            cut.append(character)
        }
        return cut
    }
}
