import Foundation
import Tenant
import GRDB

/// What one legacy file holds, read leniently: a profile (`girls_data/`) or messages
/// (`conversations/`, `backups/`).
///
/// Profiles: `{ "chat_id", "name", "age", "city", "interests", "facts", "notes" }`, every key
/// optional. Logs: `{ "chat_id", "messages": [...] }` or just the list; each message is
/// `{ "role" | "from", "text" | "content" | "message", "date" | "timestamp" }`. The chat id is
/// the file's (for backups, the folder's) name, else `chat_id`.
struct LegacyRecords: Sendable {
    /// Why a file is skipped.
    struct FileError: Error {
        var reason: String
    }

    /// What storing one file added and found present.
    struct Counts {
        var profilesImported = 0
        var profilesPresent = 0
        var messagesImported = 0
        var messagesPresent = 0
    }

    /// The chat the file is about.
    var chatID: Int64
    /// The profile, for a `girls_data/` file.
    var profile: CompanionProfile?
    /// The messages, for a log.
    var turns: [CompanionTurn] = []
    /// Messages left out: no text, or a sender that is neither side.
    var skippedMessages = 0

    /// Reads `file` (relative to `directory`).
    static func read(file: String, in directory: String) throws(FileError) -> LegacyRecords {
        let path = (directory as NSString).appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(reason: "cannot read the file; check its permissions")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw FileError(reason: "not valid JSON (\(Self.describe(error)))")
        }
        let parts = file.split(separator: "/").map(String.init)
        let nameID = Int64(parts.count == 3 ? parts[1] : (parts.last! as NSString).deletingPathExtension)
        let object = json as? [String: Any]
        guard let chatID = nameID ?? Self.integer(object?["chat_id"]) else {
            throw FileError(reason: "no chat id: name the file <chat_id>.json or add \"chat_id\"")
        }
        if parts.first == "girls_data" {
            guard let object else {
                throw FileError(reason: "a profile must be a JSON object, found \(Self.kind(of: json))")
            }
            return LegacyRecords(chatID: chatID, profile: CompanionProfile(lenient: object))
        }
        guard let list = (object?["messages"] ?? json) as? [Any] else {
            throw FileError(
                reason: "expected a list of messages, or an object with \"messages\", found \(Self.kind(of: json))")
        }
        return messages(list, chatID: chatID)
    }

    /// Stores the records, skipping what is stored already.
    func store(in db: Database, at now: Date) throws -> Counts {
        var counts = Counts()
        if let profile {
            if try CompanionStore.insertIfAbsent(profile, userID: chatID, at: now, in: db) {
                counts.profilesImported += 1
            } else {
                counts.profilesPresent += 1
            }
        }
        for turn in turns {
            if try CompanionStore.insert(turn, in: db) {
                counts.messagesImported += 1
            } else {
                counts.messagesPresent += 1
            }
        }
        return counts
    }

    /// The messages of a log, each keyed by chat, sender, date, text and how often that same
    /// message came before in the file; a message without a date takes the previous one's.
    private static func messages(_ list: [Any], chatID: Int64) -> LegacyRecords {
        var records = LegacyRecords(chatID: chatID)
        var seen: [String: Int] = [:]
        var lastDate = Date(timeIntervalSince1970: 0)
        for item in list {
            let message = item as? [String: Any] ?? [:]
            guard let role = self.role(message["role"] ?? message["from"] ?? message["sender"]),
                let text = (message["text"] ?? message["content"] ?? message["message"]) as? String,
                !text.allSatisfy(\.isWhitespace)
            else {
                records.skippedMessages += 1
                continue
            }
            let stated = LegacyDate.parse(message["date"] ?? message["timestamp"] ?? message["time"])
            let date = stated ?? lastDate
            lastDate = date
            let stamp = stated.map { String(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? "-"
            let identity = "\(chatID)|\(role.rawValue)|\(stamp)|\(text)"
            let occurrence = seen[identity, default: 0]
            seen[identity] = occurrence + 1
            records.turns.append(CompanionTurn(
                chatID: chatID, role: role, text: text, date: date, legacyKey: "\(identity)|\(occurrence)"))
        }
        return records
    }

    /// `user`, `girl`, `human`, `client` → the person; `assistant`, `bot`, `ai`, `me` → the companion.
    private static func role(_ value: Any?) -> ChatMessage.Role? {
        switch (value as? String)?.lowercased() {
        case "user", "girl", "human", "client", "person": .user
        case "assistant", "bot", "ai", "me", "companion": .assistant
        default: nil
        }
    }

    private static func integer(_ value: Any?) -> Int64? {
        if let string = value as? String { return Int64(string) }
        return (value as? NSNumber)?.int64Value
    }

    private static func kind(of json: Any) -> String {
        switch json {
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        case is String: "a string"
        case is NSNumber: "a number"
        default: "null"
        }
    }

    /// Foundation's JSON error without its userInfo dump.
    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        return (nsError.userInfo[NSDebugDescriptionErrorKey] as? String) ?? nsError.localizedDescription
    }
}
