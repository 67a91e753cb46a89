import Foundation
import Storage
import GRDB

/// The chat and people an update mentions, upserted into the host's `chats` and `users` tables
/// inside the update's commit transaction.
struct Participants: Sendable {
    var chat: Chat?
    var users: [User]
    /// `true` when the bot was blocked or removed, `false` when the person wrote or re-added the bot.
    var blocked: Bool?

    init(update: Update) {
        chat = update.chat
        users = [update.sender].compactMap { $0 }
        switch update.content {
        case .message, .callbackQuery:
            blocked = false
        case .memberChange(let change) where change.concernsBot:
            blocked = ["kicked", "left"].contains(change.newStatus)
        default:
            blocked = nil
        }
    }

    func record(in db: Database, at date: Date) throws {
        let seen = StoredDate(date)
        if let chat {
            try db.cachedStatement(
                sql: """
                    INSERT INTO chats (id, kind, title, username, blocked, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title,
                        username = excluded.username, last_seen = excluded.last_seen,
                        blocked = CASE WHEN ? IS NULL THEN chats.blocked ELSE excluded.blocked END
                    """
            ).execute(arguments: [chat.id, chat.kind.rawValue, chat.title, chat.username, blocked ?? false, seen, seen, blocked])
        }
        for user in users {
            try db.cachedStatement(
                sql: """
                    INSERT INTO users (id, is_bot, first_name, last_name, username, language_code, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
                        username = excluded.username, language_code = excluded.language_code,
                        last_seen = excluded.last_seen
                    """
            ).execute(arguments: [
                user.id, user.isBot, user.firstName, user.lastName, user.username, user.languageCode, seen, seen,
            ])
        }
    }
}
