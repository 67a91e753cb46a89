import Foundation
import Logging
import Tenant

/// A Matrix bot's update source: its events in the host's spool, read from the offset the bot
/// stored with its inbox; asking from an offset confirms everything before it. An invite is
/// accepted (the bot joins) before it is handed over.
struct MatrixSpoolPoller: UpdatePoller {
    /// The most events handed over at once.
    static let batch = 100
    /// Why an invite to an encrypted room is declined.
    static let encryptionRefusal =
        "This bot serves unencrypted rooms only: start a chat with encryption turned off."
    /// What the bot says before it leaves a room that turned encrypted.
    static let encryptedNotice =
        "This room turned on encryption, which this bot does not serve; it leaves. Start a new chat with encryption turned off."
    /// The most events read back from a room just joined.
    static let backfillLimit = 50

    let user: String
    let store: MatrixStore
    let doorbells: MatrixDoorbells
    let client: MatrixClient
    let logger: Logger
    /// Routes events read from a room after joining it, as if pushed (they are deduplicated).
    let backfill: @Sendable ([MatrixEvent]) throws -> Void

    func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate] {
        let from = offset ?? 0
        if from > 0 { try store.confirm(user: user, before: from) }
        while true {
            let seen = doorbells.rings(of: user)
            let rows = try store.pending(user: user, from: from, limit: Self.batch)
            if !rows.isEmpty { return try await updates(of: rows) }
            await doorbells.wait(user, after: seen, timeout: timeout)
            try Task.checkCancellation()
            if doorbells.rings(of: user) == seen { return [] }
        }
    }

    private func updates(of rows: [(seq: Int64, room: String, body: Data)]) async throws -> [ReceivedUpdate] {
        var updates: [ReceivedUpdate] = []
        for row in rows {
            var stored = try JSONDecoder().decode(MatrixUpdateDecoder.Stored.self, from: row.body)
            stored.id = row.seq
            let inbound = stored.inbound
            if inbound.kind == .member, inbound.membership == MatrixHub.encryptedInvite {
                do {
                    try await client.leave(row.room, reason: Self.encryptionRefusal)
                } catch let error as PlatformError where error.kind != .transient {
                    logger.notice("cannot decline the encrypted room \(row.room): \(error)")
                }
            }
            if inbound.kind == .member, inbound.membership == "invite" {
                do {
                    try await client.join(row.room)
                    try store.addMember(room: row.room, user: user, direct: inbound.direct)
                    let recent = try await client.recentEvents(in: row.room, limit: Self.backfillLimit)
                    try backfill(try MatrixTransactionParser.events(in: recent).events.reversed())
                } catch let error as PlatformError where error.kind != .transient {
                    logger.notice("cannot join \(row.room) on invite: \(error)")
                }
            }
            if inbound.kind == .moved, let replacement = try inbound.movedTo.flatMap(store.name(for:)) {
                do {
                    try await client.join(replacement)
                    try store.addMember(room: replacement, user: user, direct: inbound.direct)
                } catch let error as PlatformError where error.kind != .transient {
                    logger.notice("cannot follow \(row.room) to its replacement \(replacement): \(error)")
                }
            }
            if inbound.kind == .encrypted {
                try await leaveEncrypted(row.room, seq: row.seq)
            }
            if inbound.kind == .press, inbound.eventType == "m.reaction" {
                await takeBack(reaction: inbound.message, in: row.room, seq: row.seq)
            }
            let kind: String =
                switch inbound.kind {
                case .message: "message"
                case .edit: "edited_message"
                case .press: "callback_query"
                case .member, .moved, .encrypted, .other: inbound.eventType
                }
            updates.append(
                ReceivedUpdate(id: row.seq, lane: inbound.chat, kind: kind, raw: try JSONEncoder().encode(stored))
            )
        }
        return updates
    }

    /// Says once why the bot leaves a room that turned encrypted, and leaves it. The notice's
    /// transaction id is the spool sequence, so a poll repeated after a crash or a transient
    /// failure of the leave (thrown: the poll is retried) says it once.
    private func leaveEncrypted(_ room: String, seq: Int64) async throws {
        do {
            try await client.notice(Self.encryptedNotice, in: room, transaction: "encrypted.\(seq)")
        } catch {
            logger.notice("cannot tell \(room) why the bot leaves: \(error)")
        }
        do {
            try await client.leave(room, reason: Self.encryptionRefusal)
            try store.removeMember(room: room, user: user)
        } catch let error as PlatformError where error.kind != .transient {
            logger.notice("cannot leave the encrypted room \(room): \(error)")
        }
    }

    /// Redacts the person's reaction that pressed a button, so that the same button can be
    /// pressed again. Where the bot may not redact others' events (its power level is below the
    /// room's `redact` level) the reaction stays; the press counts either way.
    private func takeBack(reaction message: Int64, in room: String, seq: Int64) async {
        do {
            guard let event = try store.name(for: message) else { return }
            try await client.redact(event, in: room, transaction: "press.\(seq)")
        } catch {
            logger.debug("cannot take back the reaction of a press in \(room): \(error)")
        }
    }
}
