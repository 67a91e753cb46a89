public import Foundation
import Synchronization

/// A platform that lives inside the host: no token, no network. People are whoever talks to
/// it through the host (the management API, the dashboard); the bot is identified as
/// `<id>_bot`. Updates it makes go through the same inbox, dispatcher, plugins and outbox as
/// Telegram's, which is what proves plugins never depend on Telegram.
///
/// Each person has a private chat whose id is their id. Conversations are kept in memory for
/// as long as the host runs, within ``SandboxLimits``: at most 1,000 people, the last 500
/// messages of each conversation, 20,000 messages in all (the conversation that changed least
/// recently loses its messages first) and 1,000 unanswered button presses.
public final class SandboxPlatform: PlatformClient, Sendable {
    private struct Conversation {
        var messages: [SandboxMessage] = []
        var nextMessageID: Int64 = 1
        /// The revision of the conversation's latest change.
        var changed: Int64 = 0
    }

    private struct Press {
        let chatID: Int64
        let messageID: Int64
        /// The press's update id: the oldest press has the smallest.
        let order: Int64
    }

    private struct Waiter {
        let chatID: Int64
        let revision: Int64
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var conversations: [Int64: Conversation] = [:]
        /// Starts at the time in milliseconds, so ids keep growing across host restarts and
        /// the inbox never mistakes a new update for one it already stored.
        var nextUpdateID = Int64(Date().timeIntervalSince1970 * 1000)
        var revision: Int64 = 0
        /// Button presses not yet answered, by callback id.
        var presses: [String: Press] = [:]
        /// Messages across all conversations.
        var messageCount = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        /// Readers admitted to wait, whether or not their waiter is registered yet.
        var waitingReaders = 0
        /// Tests waiting for readers to park (``SandboxPlatform/waitForParkedReaders(_:)``), by id.
        var parkWatchers: [Int: (count: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Everyone who wrote or pressed, by id, as they last presented themselves.
        var people: [Int64: User] = [:]
    }


    private let identity: BotIdentity
    private let state = Mutex(State())

    /// A sandbox for bot `botID`, shown as `displayName`.
    public init(botID: String, displayName: String) {
        identity = BotIdentity(
            userID: 1, username: botID.replacingOccurrences(of: "-", with: "_") + "_bot", displayName: displayName)
    }

    public func identify() async throws -> BotIdentity { identity }

    public func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        let (result, ready) = state.withLock { state -> (Result<DeliveryReceipt, PlatformError>, [CheckedContinuation<Void, Never>]) in
            let result = Self.apply(action, to: &state)
            return (result, Self.takeReady(&state, chatID: action.chatID))
        }
        for continuation in ready { continuation.resume() }
        return try result.get()
    }

    /// `user` writes `text` to the bot, or sends a photo (a made-up file id) with `text` as its
    /// caption: the message joins the conversation and comes back as an update to store in the
    /// bot's inbox.
    ///
    /// - Throws: ``SandboxError/tooManyPeople(_:)`` when `user` is new and the sandbox already
    ///   talks with ``SandboxLimits/people`` people.
    public func userWrites(
        _ text: String, as user: User, at date: Date = Date(), photo: String? = nil
    ) throws(SandboxError) -> ReceivedUpdate {
        try userWrites(text, by: SandboxPerson(user), at: date, photo: photo)
    }

    /// `person` writes `text` (or sends a photo with `text` as its caption); a name or language
    /// the person leaves out is the one they last presented (``SandboxPerson/resolved(knowing:)``).
    ///
    /// - Throws: ``SandboxError/tooManyPeople(_:)`` when `person` is new and the sandbox already
    ///   talks with ``SandboxLimits/people`` people.
    public func userWrites(
        _ text: String, by person: SandboxPerson, at date: Date = Date(), photo: String? = nil
    ) throws(SandboxError) -> ReceivedUpdate {
        typealias Written = (update: SandboxUpdate, ready: [CheckedContinuation<Void, Never>])
        let outcome = state.withLock { state -> Result<Written, SandboxError> in
            guard state.people[person.id] != nil || state.people.count < SandboxLimits.people else {
                return .failure(.tooManyPeople(SandboxLimits.people))
            }
            let user = person.resolved(knowing: state.people[person.id])
            state.people[user.id] = user
            let messageID = Self.append(
                SandboxMessage(
                    id: 0, from: .user, text: text, buttons: [], edited: false, date: date, revision: 0, photo: photo),
                chatID: user.id, to: &state)
            let update = SandboxUpdate(
                id: Self.nextUpdateID(&state), kind: .message, user: user, date: date, messageID: messageID, text: text,
                photo: photo)
            return .success((update, Self.takeReady(&state, chatID: user.id)))
        }
        let (update, ready) = try outcome.get()
        for continuation in ready { continuation.resume() }
        return Self.received(update)
    }

    /// `user` presses the button with callback `data` under the bot's message `messageID`.
    ///
    /// - Throws: ``SandboxError`` when there is no such message or button.
    public func userPresses(_ data: String, onMessage messageID: Int64, as user: User, at date: Date = Date()) throws
        -> ReceivedUpdate
    {
        try userPresses(data, onMessage: messageID, by: SandboxPerson(user), at: date)
    }

    /// `person` presses the button with callback `data` under the bot's message `messageID`; a
    /// name or language the person leaves out is the one they last presented.
    ///
    /// - Throws: ``SandboxError`` when there is no such message or button.
    public func userPresses(
        _ data: String, onMessage messageID: Int64, by person: SandboxPerson, at date: Date = Date()
    ) throws -> ReceivedUpdate {
        let update = try state.withLock { state -> SandboxUpdate in
            guard
                let message = state.conversations[person.id]?.messages.first(where: {
                    $0.id == messageID && $0.from == .bot
                })
            else { throw SandboxError.noSuchMessage(messageID) }
            guard message.buttons.joined().contains(where: { $0.action == .callback(data) }) else {
                throw SandboxError.noSuchButton(data, messageID)
            }
            let user = person.resolved(knowing: state.people[person.id])
            state.people[user.id] = user
            let id = Self.nextUpdateID(&state)
            let callbackID = "sandbox-\(id)"
            state.presses[callbackID] = Press(chatID: user.id, messageID: messageID, order: id)
            if state.presses.count > SandboxLimits.pendingPresses,
                let oldest = state.presses.min(by: { $0.value.order < $1.value.order })
            {
                state.presses[oldest.key] = nil
            }
            return SandboxUpdate(
                id: id, kind: .buttonPress, user: user, date: date, messageID: messageID, data: data,
                pressedMessageText: message.text, callbackID: callbackID)
        }
        return Self.received(update)
    }

    /// The revision of the latest change to the conversation with person `chatID` (0 before
    /// any): what a caller reads before acting, to ask for what changed `after` it.
    public func revision(chatID: Int64) -> Int64 {
        state.withLock { $0.conversations[chatID]?.changed ?? 0 }
    }

    /// Runs `body` counted among the readers waiting for news, or returns `nil` without running
    /// it when ``SandboxLimits/waitingReaders`` already wait.
    public func admittingReader<T: Sendable>(_ body: () async -> T) async -> T? {
        let admitted = state.withLock { state -> Bool in
            guard state.waitingReaders < SandboxLimits.waitingReaders else { return false }
            state.waitingReaders += 1
            return true
        }
        guard admitted else { return nil }
        let result = await body()
        state.withLock { $0.waitingReaders -= 1 }
        return result
    }

    /// Everyone who has talked to the bot since the host started, by id.
    public func people() -> [User] {
        state.withLock { state in state.people.values.sorted { $0.id < $1.id } }
    }

    /// The conversation with person `chatID` changed after `revision`: its messages that did, in order.
    public func messages(chatID: Int64, after revision: Int64 = 0) -> [SandboxMessage] {
        state.withLock { state in (state.conversations[chatID]?.messages ?? []).filter { $0.revision > revision } }
    }

    /// Waits up to `timeout` for the conversation with `chatID` to change after `revision`,
    /// then returns what changed (nothing when the time ran out).
    public func waitForMessages(chatID: Int64, after revision: Int64, timeout: Duration) async -> [SandboxMessage] {
        let changed = messages(chatID: chatID, after: revision)
        if !changed.isEmpty || timeout <= .zero { return changed }
        let admitted = state.withLock { state -> Int? in
            guard state.waitingReaders < SandboxLimits.waitingReaders else { return nil }
            state.waitingReaders += 1
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        guard let id = admitted else { return changed }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> Bool in
                        if state.conversations[chatID]?.messages.contains(where: { $0.revision > revision }) == true {
                            return true
                        }
                        state.waiters[id] = Waiter(chatID: chatID, revision: revision, continuation: continuation)
                        let parked = state.waiters.count
                        for (watcher, watch) in state.parkWatchers where parked >= watch.count {
                            state.parkWatchers.removeValue(forKey: watcher)
                            watch.continuation.resume()
                        }
                        return false
                    }
                    if ready { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            let waiter = state.withLock { state in
                state.waitingReaders -= 1
                return state.waiters.removeValue(forKey: id)
            }
            waiter?.continuation.resume()
            group.cancelAll()
        }
        return messages(chatID: chatID, after: revision)
    }

    /// Waits until at least `count` readers are parked in
    /// ``waitForMessages(chatID:after:timeout:)``, so only news can wake them (a test hook).
    ///
    /// - Important: No time bound of its own; cancelling the waiting task ends the wait.
    package func waitForParkedReaders(_ count: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.waiters.count >= count || Task.isCancelled { return true }
                    state.parkWatchers[id] = (count, continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.parkWatchers.removeValue(forKey: id) }?.continuation.resume()
        }
    }

    // MARK: State changes (under the lock)

    private static func apply(_ action: OutgoingAction, to state: inout State) -> Result<DeliveryReceipt, PlatformError> {
        switch action {
        case .send(let message):
            guard state.conversations[message.chatID] != nil else {
                return .failure(PlatformError(kind: .permanent, method: "send", code: 400, message: "chat not found"))
            }
            let id = append(
                SandboxMessage(
                    id: 0, from: .bot, text: message.text, parseMode: message.parseMode?.rawValue, buttons: message.buttons,
                    edited: false, date: Date(), revision: 0, photo: message.photo),
                chatID: message.chatID, to: &state)
            return .success(DeliveryReceipt(messageID: id))
        case .edit(let edit):
            return change(edit.messageID, in: edit.chatID, state: &state, marksEdited: true) { message in
                // Like Telegram: a text edit needs a text message, a caption edit a photo.
                if edit.isCaption != (message.photo != nil) {
                    return "there is no \(edit.isCaption ? "caption" : "text") in the message to edit"
                }
                message.text = edit.text
                message.parseMode = edit.parseMode?.rawValue
                message.buttons = edit.buttons
                return nil
            }
        case .editButtons(let edit):
            return change(edit.messageID, in: edit.chatID, state: &state, marksEdited: false) { message in
                message.buttons = edit.buttons
                return nil
            }
        case .answerCallback(let answer):
            guard let press = state.presses.removeValue(forKey: answer.callbackID) else {
                return .failure(PlatformError(kind: .permanent, method: "answer", code: 400, message: "query is too old or unknown"))
            }
            if let text = answer.text,
                let index = state.conversations[press.chatID]?.messages.firstIndex(where: { $0.id == press.messageID })
            {
                state.revision += 1
                state.conversations[press.chatID]!.messages[index].notice = text
                state.conversations[press.chatID]!.messages[index].revision = state.revision
                state.conversations[press.chatID]!.changed = state.revision
            }
            return .success(DeliveryReceipt(messageID: nil))
        }
    }

    /// Applies an edit to one of the bot's messages; `edit` returns why the message cannot take
    /// it, if it cannot. A new text or caption marks it edited (new buttons alone do not, as in
    /// Telegram's clients).
    private static func change(
        _ messageID: Int64, in chatID: Int64, state: inout State, marksEdited: Bool,
        _ edit: (inout SandboxMessage) -> String?
    ) -> Result<DeliveryReceipt, PlatformError> {
        guard let index = state.conversations[chatID]?.messages.firstIndex(where: { $0.id == messageID && $0.from == .bot })
        else {
            return .failure(PlatformError(kind: .permanent, method: "edit", code: 400, message: "message to edit not found"))
        }
        var message = state.conversations[chatID]!.messages[index]
        if let refusal = edit(&message) {
            return .failure(PlatformError(kind: .permanent, method: "edit", code: 400, message: refusal))
        }
        state.revision += 1
        message.edited = message.edited || marksEdited
        message.revision = state.revision
        state.conversations[chatID]!.messages[index] = message
        state.conversations[chatID]!.changed = state.revision
        return .success(DeliveryReceipt(messageID: messageID))
    }

    private static func append(_ message: SandboxMessage, chatID: Int64, to state: inout State) -> Int64 {
        var conversation = state.conversations[chatID] ?? Conversation()
        state.revision += 1
        var message = message
        message.id = conversation.nextMessageID
        message.revision = state.revision
        conversation.nextMessageID += 1
        conversation.changed = state.revision
        conversation.messages.append(message)
        state.messageCount += 1
        let excess = conversation.messages.count - SandboxLimits.messagesPerConversation
        if excess > 0 {
            conversation.messages.removeFirst(excess)
            state.messageCount -= excess
        }
        state.conversations[chatID] = conversation
        while state.messageCount > SandboxLimits.messages,
            let stalest = state.conversations.filter({ $0.key != chatID && !$0.value.messages.isEmpty })
                .min(by: { $0.value.changed < $1.value.changed })
        {
            state.messageCount -= stalest.value.messages.count
            state.conversations[stalest.key]?.messages = []
        }
        return message.id
    }

    private static func nextUpdateID(_ state: inout State) -> Int64 {
        defer { state.nextUpdateID += 1 }
        return state.nextUpdateID
    }

    private static func takeReady(_ state: inout State, chatID: Int64) -> [CheckedContinuation<Void, Never>] {
        let ready = state.waiters.filter { $0.value.chatID == chatID }
        for id in ready.keys { state.waiters.removeValue(forKey: id) }
        return ready.values.map(\.continuation)
    }

    private static func received(_ update: SandboxUpdate) -> ReceivedUpdate {
        let raw = (try? SandboxCoding.encoder.encode(update)) ?? Data()
        return ReceivedUpdate(
            id: update.id, lane: update.user.id,
            kind: update.kind == .message ? "message" : "callback_query", raw: raw)
    }
}

/// A person's action in the sandbox that cannot happen.
public enum SandboxError: Error, Equatable, CustomStringConvertible {
    /// The bot sent no message with this id in this chat.
    case noSuchMessage(Int64)
    /// The message has no button with this callback data.
    case noSuchButton(String, Int64)
    /// A new person wrote, but the sandbox already talks with this many people, its most.
    case tooManyPeople(Int)

    public var description: String {
        switch self {
        case .noSuchMessage(let id): "message_id: the bot sent no message \(id) in this chat"
        case .noSuchButton(let data, let id): "data: message \(id) has no button with data '\(data.prefix(64))'"
        case .tooManyPeople(let limit):
            "user_id: this sandbox bot already talks with \(limit) people, its most until the host restarts; "
                + "write as one of them"
        }
    }
}
