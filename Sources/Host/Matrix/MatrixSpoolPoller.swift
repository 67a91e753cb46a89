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
            let kind: String =
                switch inbound.kind {
                case .message: "message"
                case .edit: "edited_message"
                case .press: "callback_query"
                case .member, .other: inbound.eventType
                }
            updates.append(
                ReceivedUpdate(id: row.seq, lane: inbound.chat, kind: kind, raw: try JSONEncoder().encode(stored))
            )
        }
        return updates
    }
}
