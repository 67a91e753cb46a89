import Tenant
import GRDB

extension DatingConversation {
    /// Tells both people of their match, each in their own language, with the other's photo, a
    /// way to reach them (a link to their username, or the bot passing on the first message)
    /// and a block button.
    func announceMatch(between me: DatingProfile, and partner: DatingProfile) {
        var me = me
        me.username = user.username
        me.language = language
        notify(me, about: partner)
        notify(partner, about: me)
    }

    /// Tells of the person's matches that simultaneous likes made without either handler
    /// noticing, and marks them told.
    func announcePendingMatches() async throws {
        let pairs = try await context.storage.read { [user] db in
            try DatingStore.unnotifiedMatches(db, userID: user.id)
        }
        for pair in pairs {
            guard let me = profile, let partner = try await fetchProfile(pair.other(than: user.id)) else { continue }
            announceMatch(between: me, and: partner)
            context.storage.write { db in try DatingStore.markNotified(db, pair) }
        }
    }

    /// The write button under a match: passes the presser's next message to the match.
    func armRelay(to partnerID: Int64) async throws {
        guard let partner = try await reachableMatch(partnerID) else { return say(.relayUnavailable) }
        context.storage.write { [user] db in try DatingStore.setRelay(db, from: user.id, to: partnerID) }
        say(.relayPrompt, ["name": partner.name ?? ""])
    }

    /// Passes a text to the match the person is writing to, with a way to answer and a block
    /// button.
    func relay(_ message: Message, to partnerID: Int64) async throws {
        guard let me = profile, let partner = try await reachableMatch(partnerID) else {
            context.storage.write { [user] db in try DatingStore.clearRelay(db, from: user.id) }
            return say(.relayUnavailable)
        }
        let name = ["name": partner.name ?? ""]
        guard message.attachment == nil, let body = message.text, !body.isEmpty else {
            return say(.relayTextOnly, name)
        }
        let sender = ["name": me.name ?? user.firstName]
        let answer: InlineButton = if let username = user.username {
            .url(texts(.buttonWrite, partner.language, sender), url: Self.link(to: username))
        } else {
            .callback(texts(.buttonReply, partner.language), data: DatingAction.write(me.userID).data)
        }
        let block = InlineButton.callback(texts(.buttonBlock, partner.language), data: DatingAction.block(me.userID).data)
        context.send(OutgoingMessage(
            chatID: partner.chatID, text: texts(.relayMessage, partner.language, sender.merging(["text": body]) { $1 }),
            buttons: [[answer], [block]]))
        context.storage.write { [user] db in try DatingStore.clearRelay(db, from: user.id) }
        say(.relaySent, name)
    }

    /// The other person, if they still match the sender and are not banned.
    private func reachableMatch(_ partnerID: Int64) async throws -> DatingProfile? {
        let pair = MatchPair(user.id, partnerID)
        let (partner, matched) = try await context.storage.read { db in
            (try DatingProfile.fetch(db, userID: partnerID), try DatingStore.isMatch(db, pair))
        }
        guard matched, let partner, partner.moderation != .banned else { return nil }
        return partner
    }

    private func notify(_ recipient: DatingProfile, about other: DatingProfile) {
        let values = ["name": other.name ?? ""]
        let label = texts(.buttonWrite, recipient.language, values)
        let text: String
        let contact: InlineButton
        if let username = other.username {
            text = texts(.matchLink, recipient.language, values)
            contact = .url(label, url: Self.link(to: username))
        } else {
            text = texts(.matchRelay, recipient.language, values)
            contact = .callback(label, data: DatingAction.write(other.userID).data)
            context.storage.write { db in try DatingStore.setRelay(db, from: recipient.userID, to: other.userID) }
        }
        let block = InlineButton.callback(
            texts(.buttonBlock, recipient.language), data: DatingAction.block(other.userID).data)
        context.send(OutgoingMessage(
            chatID: recipient.chatID, text: text, buttons: [[contact], [block]], photo: other.photo))
    }

    private static func link(to username: String) -> String {
        PersonLink.url(username: username)
    }
}
