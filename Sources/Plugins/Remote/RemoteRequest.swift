import Foundation
import Tenant

/// The body the host POSTs for one update or job: protocol version 1.
struct RemoteRequest {
    /// What the call is about.
    enum Event {
        case update(Update)
        case job(ScheduledJob)
    }

    /// The event.
    let event: Event
    /// The plugin's stored state of the chat and of the person, as JSON text by key.
    let chatState: [String: Data], personState: [String: Data]
    /// The chat and the person, as far as known.
    let chat: Chat?, person: User?
    /// The person's time zone, when there is a person.
    let personTimeZone: TimeZone?

    /// The same for every attempt at one update or job, so the plugin can recognise a repeat:
    /// `<bot id>:<update id>`, or `<bot id>:job:<chat>:<key>:<due, Unix ms>`.
    func idempotencyKey(bot: BotDescriptor) -> String {
        switch event {
        case .update(let update): "\(bot.id):\(update.id)"
        case .job(let job): "\(bot.id):job:\(job.chatID):\(job.key):\(Int64(job.dueAt.timeIntervalSince1970 * 1000))"
        }
    }

    /// The JSON body, written straight into bytes (``RemoteJSONWriter``); the stored state
    /// values, JSON the host wrote, are spliced in as they are.
    func body(bot: BotDescriptor, identity: BotIdentity, attempt: Int) -> [UInt8] {
        var json = RemoteJSONWriter(capacity: 512 + Self.size(of: chatState) + Self.size(of: personState))
        json.object { json in
            json.member("version", Int64(1))
            json.member("idempotency_key", idempotencyKey(bot: bot))
            json.member("attempt", Int64(attempt))
            json.member("bot") { json in
                json.member("id", bot.id)
                json.member("brand", bot.brand)
                json.member("username", identity.username)
                json.member("locale", bot.locale)
                json.member("time_zone", bot.timeZone.identifier)
            }
            switch event {
            case .update(let update):
                json.member("event", "update")
                json.member("update") { $0.update(update) }
            case .job(let job):
                json.member("event", "job")
                json.member("job") { json in
                    json.member("key", job.key)
                    json.member("chat_id", job.chatID)
                    json.member("due_at", number: job.dueAt.timeIntervalSince1970)
                    json.member("payload", job.payload)
                }
            }
            if let chat { json.member("chat") { $0.chat(chat) } }
            if let person { json.member("person") { $0.user(person, timeZone: personTimeZone) } }
            json.member("state") { json in
                json.member("chat") { $0.values(chatState) }
                json.member("person") { $0.values(personState) }
            }
        }
        return json.bytes
    }

    private static func size(of values: [String: Data]) -> Int {
        values.reduce(0) { $0 + $1.key.utf8.count + $1.value.count + 4 }
    }
}

extension RemoteJSONWriter {
    /// Each stored value under its key, its JSON spliced in.
    fileprivate mutating func values(_ values: [String: Data]) {
        for (key, value) in values { member(key, rawJSON: value) }
    }
}
