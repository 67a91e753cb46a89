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

    /// The JSON body.
    func body(bot: BotDescriptor, identity: BotIdentity, attempt: Int) throws -> Data {
        var botObject: [String: Any] = ["id": bot.id, "time_zone": bot.timeZone.identifier]
        botObject["brand"] = bot.brand
        botObject["locale"] = bot.locale
        botObject["username"] = identity.username
        var object: [String: Any] = [
            "version": 1, "idempotency_key": idempotencyKey(bot: bot), "attempt": attempt, "bot": botObject,
            "state": ["chat": try Self.object(chatState), "person": try Self.object(personState)],
        ]
        switch event {
        case .update(let update):
            object["event"] = "update"
            object["update"] = RemoteUpdateJSON.update(update)
        case .job(let job):
            object["event"] = "job"
            object["job"] =
                [
                    "key": job.key, "chat_id": job.chatID, "due_at": job.dueAt.timeIntervalSince1970,
                    "payload": job.payload,
                ] as [String: Any]
        }
        object["chat"] = chat.map(RemoteUpdateJSON.chat)
        if let person {
            var facts = RemoteUpdateJSON.user(person)
            facts["time_zone"] = personTimeZone?.identifier
            object["person"] = facts
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    private static func object(_ values: [String: Data]) throws -> [String: Any] {
        try values.mapValues { try JSONSerialization.jsonObject(with: $0, options: [.fragmentsAllowed]) }
    }
}
