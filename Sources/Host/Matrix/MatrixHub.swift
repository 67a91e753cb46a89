import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Tenant

/// The host's one application service: turns each pushed transaction into events spooled for
/// the bot users they concern, wakes their pollers, and pings the homeserver at start so that
/// it sends what it holds at once.
///
/// Routing: an invite of a namespace user is spooled for it (its poller joins); a room's other
/// events go to every bot user known in the room. The bots' own events (echoes) are dropped.
/// Events for a namespace user without a running bot wait in the spool, up to
/// ``MatrixStore/pendingLimit`` each: one stream serves every bot, so nothing is refused.
struct MatrixHub: Sendable {
    let config: MatrixConfig
    let store: MatrixStore
    let doorbells = MatrixDoorbells()
    let logger: Logger

    /// The membership an invite to an encrypted room is spooled with: the bot declines it.
    static let encryptedInvite = "invite_encrypted"

    /// What one transaction came to.
    struct Outcome: Equatable {
        var spooled = 0
        var dropped = 0
    }

    /// Spools every event of a transaction durably and wakes the pollers concerned.
    func ingest(_ events: [MatrixEvent]) throws -> Outcome {
        var items: [MatrixStore.Spooled] = []
        for event in events {
            items += try route(event)
        }
        let dropped = try store.spool(items)
        if dropped > 0 {
            logger.warning("matrix: \(dropped) event(s) dropped: their bot user has \(store.pendingLimit) waiting")
        }
        for user in Set(items.map(\.user)) { doorbells.ring(user) }
        return Outcome(spooled: items.count - dropped, dropped: dropped)
    }

    /// The spool entries one event makes.
    func route(_ event: MatrixEvent) throws -> [MatrixStore.Spooled] {
        if event.type == "m.room.member", let member = event.stateKey, config.owns(member) {
            return try botMembership(event, member: member)
        }
        if event.stateKey == "", event.type == "m.room.tombstone" || event.type == "m.room.encryption" {
            return try roomChange(event)
        }
        // The bots' own events are echoes; other room state means nothing to a plugin yet.
        guard !config.owns(event.sender), event.stateKey == nil || event.type == "m.room.member" else { return [] }
        var items: [MatrixStore.Spooled] = []
        for (user, direct) in try store.members(of: event.roomID) {
            guard let inbound = try inbound(event, for: user, direct: direct) else { continue }
            items.append(try spooled(inbound, event, for: user))
        }
        return items
    }

    /// A room replaced by another (the chat follows it: later sends to the old room are
    /// redirected) or turned encrypted (each bot in it says so once and leaves), spooled for
    /// every bot user in the room.
    private func roomChange(_ event: MatrixEvent) throws -> [MatrixStore.Spooled] {
        let replacement = event.type == "m.room.tombstone" ? event.replacementRoom : nil
        if event.type == "m.room.tombstone" {
            guard let replacement else { return [] }
            try store.recordMove(of: event.roomID, to: replacement)
        }
        var items: [MatrixStore.Spooled] = []
        for (user, direct) in try store.members(of: event.roomID) {
            var inbound = try inbound(replacement == nil ? .encrypted : .moved, of: event, direct: direct)
            if let replacement {
                try store.addMember(room: replacement, user: user, direct: direct)
            } else {
                try store.recordEncrypted(room: event.roomID, user: user)
            }
            inbound.movedTo = try replacement.map(store.number(for:))
            inbound.member = try store.number(for: user)
            inbound.memberID = user
            inbound.concernsBot = true
            items.append(try spooled(inbound, event, for: user))
        }
        return items
    }

    /// A bot user's own membership: an invite is spooled for it; a join or leave updates the rooms.
    private func botMembership(_ event: MatrixEvent, member: String) throws -> [MatrixStore.Spooled] {
        switch event.membership {
        case "invite" where !config.owns(event.sender):
            if !event.invitesToEncryptedRoom {
                try store.addMember(room: event.roomID, user: member, direct: event.isDirect)
            }
            var inbound = MatrixInbound(
                kind: .member,
                eventType: event.type,
                chat: try store.number(for: event.roomID),
                direct: event.isDirect,
                sender: try store.number(for: event.sender),
                senderID: event.sender,
                message: try store.number(for: event.eventID),
                membership: event.invitesToEncryptedRoom ? Self.encryptedInvite : "invite",
                timestamp: event.timestamp
            )
            inbound.member = try store.number(for: member)
            inbound.memberID = member
            inbound.concernsBot = true
            return [try spooled(inbound, event, for: member)]
        case "join":
            try store.addMember(room: event.roomID, user: member, direct: false)
        case "leave", "ban":
            try store.removeMember(room: event.roomID, user: member)
        default:
            break
        }
        return []
    }

    /// What `event` means to bot user `user`, or `nil` when it means nothing to it.
    private func inbound(_ event: MatrixEvent, for user: String, direct: Bool) throws -> MatrixInbound? {
        var inbound = try inbound(.other, of: event, direct: direct)
        let buttons = try store.buttons(bot: user, room: event.roomID)
        switch event.type {
        case "m.room.message":
            if event.messageType == "m.image", let url = event.mediaURL {
                inbound.kind = .message
                inbound.photo = url
                // A body beside a different file name is a caption (MSC2530); else it is the file's name.
                inbound.text = event.fileName != nil && event.fileName != event.body ? event.body : nil
                inbound.replyTo = try event.replyToEventID.map(store.number(for:))
                return inbound
            }
            guard ["m.text", "m.notice", "m.emote"].contains(event.messageType ?? ""), var text = event.body else {
                return inbound
            }
            if event.relation == "m.replace", let original = event.relatedEventID {
                if text.hasPrefix("* ") { text.removeFirst(2) }
                inbound.kind = .edit
                inbound.message = try store.number(for: original)
                inbound.text = text
                return inbound
            }
            if let buttons, let pressed = MatrixPress.button(answering: text, among: buttons.buttons) {
                inbound.kind = .press
                inbound.text = pressed.label
                inbound.data = pressed.data
                inbound.replyTo = try store.number(for: buttons.event)
                return inbound
            }
            inbound.kind = .message
            inbound.text = MatrixPress.withoutReplyFallback(text)
            inbound.replyTo = try event.replyToEventID.map(store.number(for:))
        case "m.reaction":
            guard let buttons, event.relation == "m.annotation", event.relatedEventID == buttons.event,
                let key = event.reactionKey, let pressed = MatrixPress.button(reacting: key, among: buttons.buttons)
            else { return nil }
            inbound.kind = .press
            inbound.text = pressed.label
            inbound.data = pressed.data
            inbound.replyTo = try store.number(for: buttons.event)
        case "m.room.member":
            guard let member = event.stateKey, let membership = event.membership,
                ["leave", "ban", "join", "invite"].contains(membership)
            else { return nil }
            inbound.kind = .member
            inbound.membership = membership
            // In a direct chat the person leaving cuts the bot off, as blocking a Telegram bot does.
            inbound.memberID = direct ? user : member
            inbound.member = try store.number(for: direct ? user : member)
            inbound.concernsBot = direct
        default:
            break
        }
        return inbound
    }

    /// `event` as an inbound of `kind`, its ids turned into numbers.
    private func inbound(_ kind: MatrixInbound.Kind, of event: MatrixEvent, direct: Bool) throws -> MatrixInbound {
        MatrixInbound(
            kind: kind,
            eventType: event.type,
            chat: try store.number(for: event.roomID),
            direct: direct,
            sender: try store.number(for: event.sender),
            senderID: event.sender,
            message: try store.number(for: event.eventID),
            timestamp: event.timestamp
        )
    }

    private func spooled(_ inbound: MatrixInbound, _ event: MatrixEvent, for user: String) throws
        -> MatrixStore.Spooled
    {
        let stored = MatrixUpdateDecoder.Stored(id: 0, inbound: inbound, event: event.raw)
        return MatrixStore.Spooled(
            user: user,
            event: event.eventID,
            room: event.roomID,
            body: try JSONEncoder().encode(stored)
        )
    }

    /// Asks the homeserver to call the service back now (`POST /_matrix/client/v1/appservice/{id}/ping`),
    /// which also makes it send the transactions it holds at once instead of after its back-off.
    func ping(httpClient: HTTPClient) async {
        var request = HTTPClientRequest(
            url: MatrixClient.address(config.homeserver, "/_matrix/client/v1/appservice/\(config.id)/ping")
        )
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(config.asToken)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "{}"))
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            if response.status.code == 200 {
                logger.info("matrix: the homeserver answered the application service's ping")
            } else {
                logger.warning("matrix: the homeserver answered the ping with \(response.status.code)")
            }
        } catch {
            logger.warning("matrix: cannot ping the homeserver at \(config.homeserver): \(error)")
        }
    }
}
