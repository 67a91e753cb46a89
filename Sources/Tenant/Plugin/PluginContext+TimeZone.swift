public import Foundation
import Storage
import GRDB

extension PluginContext {
    /// The person's time zone: their own if one was set with ``setTimeZone(_:ofUser:)``,
    /// otherwise the bot's (``BotDescriptor/timeZone``, the manifest's `time_zone`).
    ///
    /// Use it with ``now`` for anything that depends on the person's clock: their local day,
    /// quiet hours, the time of day.
    public func timeZone(ofUser userID: Int64) async throws -> TimeZone {
        let identifier = try await storage.read { db in
            try String.fetchOne(db, sql: "SELECT time_zone FROM user_time_zones WHERE user_id = ?", arguments: [userID])
        }
        return identifier.flatMap(TimeZone.init(identifier:)) ?? bot.timeZone
    }

    /// Queues storing the person's own time zone, in the update's commit; `nil` returns them to
    /// the bot's.
    public func setTimeZone(_ timeZone: TimeZone?, ofUser userID: Int64) {
        let identifier = timeZone?.identifier
        storage.write { db in
            if let identifier {
                try db.execute(
                    sql: """
                        INSERT INTO user_time_zones (user_id, time_zone) VALUES (?, ?)
                        ON CONFLICT(user_id) DO UPDATE SET time_zone = excluded.time_zone
                        """,
                    arguments: [userID, identifier])
            } else {
                try db.execute(sql: "DELETE FROM user_time_zones WHERE user_id = ?", arguments: [userID])
            }
        }
    }
}
