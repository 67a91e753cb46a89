import Foundation
import GRDB
import Tenant

/// The host's Matrix state, in `<data-dir>/matrix.sqlite` (0600, WAL, `synchronous=FULL`):
/// the numbers standing for Matrix's string ids, the spool of events per bot user (an event is
/// answered 200 to the homeserver only once it is here), which bot users are in which rooms,
/// the numbered buttons each bot last showed in a room, which rooms were replaced by which, and
/// the rooms each bot left because they turned encrypted.
final class MatrixStore: MatrixDirectory, Sendable {
    /// The file's name inside the data folder.
    static let fileName = "matrix.sqlite"
    /// The most events waiting for one bot user by default; more are dropped (and counted) so
    /// that a namespace user that never runs cannot fill the disk.
    static let defaultPendingLimit = 10_000
    /// How long a delivered event's id is kept to recognise a resent transaction.
    static let deliveredKeep: TimeInterval = 7 * 86_400

    private let pool: DatabasePool
    /// The most events waiting for one bot user.
    let pendingLimit: Int

    /// Opens (creating) the store in `dataDirectory`, keeping at most `pendingLimit` events
    /// waiting for each bot user.
    init(dataDirectory: String, pendingLimit: Int = defaultPendingLimit) throws {
        self.pendingLimit = pendingLimit
        let path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
        let manager = FileManager.default
        if !manager.fileExists(atPath: dataDirectory) {
            try manager.createDirectory(
                atPath: dataDirectory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700]
            )
        }
        if !manager.fileExists(atPath: path) {
            _ = manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        pool = try DatabasePool(path: path, configuration: configuration)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS names (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);
                    CREATE TABLE IF NOT EXISTS spool (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, event TEXT NOT NULL,
                        room TEXT NOT NULL, body BLOB, received_at REAL NOT NULL, UNIQUE (user, event));
                    CREATE INDEX IF NOT EXISTS spool_by_user ON spool (user, seq);
                    CREATE TABLE IF NOT EXISTS members (
                        room TEXT NOT NULL, user TEXT NOT NULL, direct INTEGER NOT NULL, PRIMARY KEY (room, user));
                    CREATE TABLE IF NOT EXISTS buttons (
                        user TEXT NOT NULL, room TEXT NOT NULL, event TEXT NOT NULL, buttons TEXT NOT NULL,
                        PRIMARY KEY (user, room));
                    CREATE TABLE IF NOT EXISTS moves (room TEXT PRIMARY KEY, replacement TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS encrypted (
                        user TEXT NOT NULL, room TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (user, room));
                    """
            )
            try db.execute(
                sql: "DELETE FROM spool WHERE body IS NULL AND received_at < ?",
                arguments: [Date().timeIntervalSince1970 - Self.deliveredKeep]
            )
        }
    }

    // MARK: Names

    func number(for name: String) throws -> Int64 {
        if let known = try pool.read({ db in
            try Int64.fetchOne(db, sql: "SELECT id FROM names WHERE name = ?", arguments: [name])
        }) {
            return known
        }
        return try pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO names (name) VALUES (?)", arguments: [name])
            return try Int64.fetchOne(db, sql: "SELECT id FROM names WHERE name = ?", arguments: [name]) ?? 0
        }
    }

    func name(for number: Int64) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM names WHERE id = ?", arguments: [number]) }
    }

    // MARK: Buttons

    func rememberButtons(bot: String, room: String, event: String, buttons: [MatrixButton]) throws {
        let text = String(decoding: try JSONEncoder().encode(buttons), as: UTF8.self)
        try pool.write { db in
            if buttons.isEmpty {
                try db.execute(
                    sql: "DELETE FROM buttons WHERE user = ? AND room = ? AND event = ?",
                    arguments: [bot, room, event]
                )
            } else {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO buttons (user, room, event, buttons) VALUES (?, ?, ?, ?)",
                    arguments: [bot, room, event, text]
                )
            }
        }
    }

    /// The buttons `bot` last showed in `room`, with the event that shows them.
    func buttons(bot: String, room: String) throws -> (event: String, buttons: [MatrixButton])? {
        let row = try pool.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT event, buttons FROM buttons WHERE user = ? AND room = ?",
                arguments: [bot, room]
            )
        }
        guard let row, let text = row["buttons"] as String?, let event = row["event"] as String? else { return nil }
        return (event, try JSONDecoder().decode([MatrixButton].self, from: Data(text.utf8)))
    }

    // MARK: Moves

    func recordMove(of room: String, to replacement: String) throws {
        guard room != replacement else { return }
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO moves (room, replacement) VALUES (?, ?)",
                arguments: [room, replacement]
            )
        }
    }

    func replacement(of room: String) throws -> String? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT replacement FROM moves WHERE room = ?", arguments: [room])
        }
    }

    // MARK: Encrypted rooms

    /// Records that bot user `user` leaves `room` because it turned encrypted (the dashboard lists it).
    func recordEncrypted(room: String, user: String) throws {
        try pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO encrypted (user, room, at) VALUES (?, ?, ?)",
                arguments: [user, room, Date().timeIntervalSince1970]
            )
        }
    }

    /// The rooms bot user `user` left because they turned encrypted, the latest first (at most `limit`).
    func encryptedRooms(user: String, limit: Int = 50) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT room FROM encrypted WHERE user = ? ORDER BY at DESC, room LIMIT ?",
                arguments: [user, limit]
            )
        }
    }

    // MARK: Members

    /// Records that bot user `user` is in (or invited to) `room`; a room once direct stays direct
    /// (the join after a direct invite, and the invite into a replacement room, say nothing of it).
    func addMember(room: String, user: String, direct: Bool) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO members (room, user, direct) VALUES (?, ?, ?)
                    ON CONFLICT (room, user) DO UPDATE SET direct = members.direct OR excluded.direct
                    """,
                arguments: [room, user, direct]
            )
        }
    }

    /// Records that bot user `user` left `room`.
    func removeMember(room: String, user: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM members WHERE room = ? AND user = ?", arguments: [room, user])
        }
    }

    /// The bot users in `room`, each with whether the room is a direct chat.
    func members(of room: String) throws -> [(user: String, direct: Bool)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT user, direct FROM members WHERE room = ?", arguments: [room]).map {
                (user: $0["user"], direct: $0["direct"])
            }
        }
    }

    // MARK: Spool

    /// One event for one bot user, as it is spooled.
    struct Spooled: Sendable {
        var user: String
        var event: String
        var room: String
        var body: Data
    }

    /// Stores `items` in one durable transaction; an event already spooled for its user (a
    /// resent transaction) is ignored. Returns how many were dropped over ``pendingLimit``.
    func spool(_ items: [Spooled]) throws -> Int {
        guard !items.isEmpty else { return 0 }
        let now = Date().timeIntervalSince1970
        return try pool.write { db in
            var dropped = 0
            var pending: [String: Int] = [:]
            for item in items {
                let count =
                    try pending[item.user] ?? Int.fetchOne(
                        db,
                        sql: "SELECT count(*) FROM spool WHERE user = ? AND body IS NOT NULL",
                        arguments: [item.user]
                    ) ?? 0
                guard count < pendingLimit else {
                    dropped += 1
                    continue
                }
                try db.execute(
                    sql: "INSERT OR IGNORE INTO spool (user, event, room, body, received_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [item.user, item.event, item.room, item.body, now]
                )
                pending[item.user] = count + db.changesCount
            }
            return dropped
        }
    }

    /// Up to `limit` events waiting for `user` from sequence `from` on, in order.
    func pending(user: String, from: Int64, limit: Int) throws -> [(seq: Int64, room: String, body: Data)] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, room, body FROM spool WHERE user = ? AND seq >= ? AND body IS NOT NULL
                    ORDER BY seq LIMIT ?
                    """,
                arguments: [user, from, limit]
            ).map { (seq: $0["seq"], room: $0["room"], body: $0["body"]) }
        }
    }

    /// Marks `user`'s events before `seq` delivered: their bodies go, their ids stay a week.
    func confirm(user: String, before seq: Int64) throws {
        try pool.write { db in
            try db.execute(
                sql: "UPDATE spool SET body = NULL WHERE user = ? AND seq < ? AND body IS NOT NULL",
                arguments: [user, seq]
            )
        }
    }
}
