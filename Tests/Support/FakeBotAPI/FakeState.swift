import Foundation

/// Everything the fake knows about one bot.
struct FakeBot {
    var userID: Int64
    var username: String
    var firstName: String
    var nextUpdateID: Int64 = 1
    /// Updates not yet confirmed, in id order: (id, type, JSON).
    var pending: [(id: Int64, type: String, json: Data)] = []
    var allowedUpdates: Set<String>?
    var webhookURL: String?
    var webhookSecret: String?
    /// Changes whenever the webhook is set or deleted, ending the delivery loop of the old one.
    var webhookGeneration = 0
    /// The webhook delivery loop waiting for an update to deliver, if it is waiting.
    var webhookWake: CheckedContinuation<Void, Never>?
    /// Every webhook delivery attempt: the update id and the HTTP status (0: no answer).
    var webhookDeliveries: [(updateID: Int64, status: Int)] = []
    var knownChats: Set<Int64> = []
    var nextMessageID: [Int64: Int64] = [:]
    /// The ids of the photos the bot sent, per chat: their captions can be edited, not their text.
    var photoMessages: [Int64: Set<Int64>] = [:]
    var sent: [SentMessage] = []
    var calls: [RecordedCall] = []
    var failures: [String: [FakeFailure]] = [:]
    /// The getUpdates request now waiting, if any.
    var poll: (id: Int, continuation: CheckedContinuation<PollWake, Never>)?
    /// Why each long poll that waited woke up, in order.
    var pollWakes: [PollWake] = []
    /// Methods whose calls are held unanswered (``FakeBotAPI/hold(token:method:)``).
    var heldMethods: Set<String> = []
    /// The calls held so far, per method, waiting for ``FakeBotAPI/release(token:method:)``.
    var heldCalls: [String: [CheckedContinuation<Void, Never>]] = [:]

    static let defaultExcluded: Set<String> = ["chat_member", "message_reaction", "message_reaction_count"]

    /// Takes the waiting webhook delivery loop, to resume once the lock is released.
    mutating func takeWebhookWake() -> CheckedContinuation<Void, Never>? {
        defer { webhookWake = nil }
        return webhookWake
    }

    func isAllowed(_ type: String) -> Bool {
        if let allowedUpdates, !allowedUpdates.isEmpty { return allowedUpdates.contains(type) }
        return !Self.defaultExcluded.contains(type)
    }
}

/// Why a waiting getUpdates woke up.
public enum PollWake: Sendable, Equatable {
    /// An update arrived.
    case updates
    /// Its timeout passed (or the fake stopped).
    case timeout
    /// A later getUpdates for the same bot displaced it.
    case conflict
}

/// The fake's whole state, kept in one mutex.
struct FakeState {
    var bots: [String: FakeBot] = [:]
    var sentWaiters: [Int: (token: String, count: Int, continuation: CheckedContinuation<Bool, Never>)] = [:]
    var nextWaiterID = 0
    /// Tests waiting for a condition on this state (``FakeBotAPI/waitUntil(_:)``).
    var stateWaiters: [Int: StateWaiter] = [:]
    /// Connections accepted that the server is not done with: open, or with a request read
    /// from them not yet handled (``FakeBotAPI/waitUntilDrained()``).
    var busyConnections = 0
}
