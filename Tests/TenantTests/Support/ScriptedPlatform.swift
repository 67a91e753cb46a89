import Foundation
import Synchronization
@testable import Tenant

/// An in-process platform: tests push updates in, and await the actions the bot performs.
///
/// Updates are JSON `{"update_id":…, "chat":…, "from":…, "text":…}` decoded by ``ScriptedDecoder``.
final class ScriptedPlatform: PlatformClient, UpdatePoller, Sendable {
    struct Performed: Sendable, Equatable {
        var chatID: Int64
        var text: String
    }

    private struct State {
        var pending: [ReceivedUpdate] = []
        var pollWaiter: CheckedContinuation<Void, Never>?
        var performed: [Performed] = []
        var performTimes: [Duration] = []
        var performWaiters: [(id: Int, count: Int, continuation: CheckedContinuation<[Performed], Never>)] = []
        var nextWaitID = 0
        /// Waits that ended (timed out or cancelled) before their waiter was registered.
        var endedWaits: Set<Int> = []
        var identifyError: PlatformError?
        var performFailures: [PlatformError] = []
        var nextUpdateID: Int64 = 1
        var offsetsSeen: [Int64?] = []
        var pollFailures: [PlatformError] = []
        var pollAttempts: [ContinuousClock.Instant] = []
    }

    private let state = Mutex(State())

    let hangsOnIdentify: Bool

    /// Every `perform` call, failed or not.
    let performAttempts = EventCounter()

    /// Every `identify` call.
    let identifyCalls = EventCounter()

    /// Every poll that got past its scripted failures (its offset is in ``offsetsSeen``).
    let pollsSeen = EventCounter()

    /// The clock ``performTimes`` are read on.
    let clock: any TenantClock

    init(identifyError: PlatformError? = nil, hangsOnIdentify: Bool = false, clock: any TenantClock = SystemClock()) {
        self.hangsOnIdentify = hangsOnIdentify
        self.clock = clock
        state.withLock { $0.identifyError = identifyError }
    }

    /// Queues a text message and returns its update id.
    @discardableResult
    func send(chat: Int64, text: String, updateID: Int64? = nil) -> Int64 {
        let (id, waiter) = state.withLock { state -> (Int64, CheckedContinuation<Void, Never>?) in
            let id = updateID ?? state.nextUpdateID
            state.nextUpdateID = max(state.nextUpdateID, id + 1)
            let raw = try! JSONSerialization.data(withJSONObject: ["update_id": id, "chat": chat, "text": text])
            state.pending.append(ReceivedUpdate(id: id, lane: chat, kind: "message", raw: raw))
            defer { state.pollWaiter = nil }
            return (id, state.pollWaiter)
        }
        waiter?.resume()
        return id
    }

    /// Makes the next `perform` calls fail with these errors, in order.
    func failNextPerforms(_ errors: [PlatformError]) {
        state.withLock { $0.performFailures.append(contentsOf: errors) }
    }

    /// Everything performed so far.
    var performed: [Performed] { state.withLock { $0.performed } }

    /// When each performed action happened on ``clock``, in order.
    var performTimes: [Duration] { state.withLock { $0.performTimes } }

    /// The offsets the bot polled with.
    var offsetsSeen: [Int64?] { state.withLock { $0.offsetsSeen } }

    /// Waits until at least `count` actions were performed, or `timeout` passed.
    ///
    /// Cancelling the caller ends the wait like the timeout does.
    func waitForPerformed(_ count: Int, timeout: Duration = .seconds(90)) async throws -> [Performed] {
        let id = state.withLock { state -> Int in
            state.nextWaitID += 1
            return state.nextWaitID
        }
        let result = await withTaskGroup(of: [Performed]?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> [Performed]? in
                        let ended = state.endedWaits.remove(id) != nil
                        if ended || state.performed.count >= count { return state.performed }
                        state.performWaiters.append((id, count, continuation))
                        return nil
                    }
                    if let ready { continuation.resume(returning: ready) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next()!
            if first == nil {
                // Release this wait's waiter so the group can finish; one not registered yet
                // finds the wait ended when it registers.
                let released = self.state.withLock { state -> (CheckedContinuation<[Performed], Never>, [Performed])? in
                    guard let index = state.performWaiters.firstIndex(where: { $0.id == id }) else {
                        state.endedWaits.insert(id)
                        return nil
                    }
                    return (state.performWaiters.remove(at: index).continuation, state.performed)
                }
                if let (waiter, snapshot) = released { waiter.resume(returning: snapshot) }
            }
            group.cancelAll()
            return first
        }
        guard let result else {
            throw ScriptedTimeout(expected: count, got: performed.count)
        }
        return result
    }

    func identify() async throws -> BotIdentity {
        identifyCalls.record()
        if let error = state.withLock({ $0.identifyError }) { throw error }
        if hangsOnIdentify {
            // Like a DNS lookup with no network: nothing comes back until cancelled.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            throw CancellationError()
        }
        return BotIdentity(userID: 1, username: "scripted_bot", displayName: "Scripted")
    }

    func perform(_ action: OutgoingAction) async throws -> DeliveryReceipt {
        guard case .send(let message) = action else { return DeliveryReceipt(messageID: nil) }
        defer { performAttempts.record() }
        let (failure, ready) = state.withLock { state -> (PlatformError?, [(CheckedContinuation<[Performed], Never>, [Performed])]) in
            if !state.performFailures.isEmpty { return (state.performFailures.removeFirst(), []) }
            state.performed.append(Performed(chatID: message.chatID, text: message.text))
            state.performTimes.append(clock.now)
            let snapshot = state.performed
            var ready: [(CheckedContinuation<[Performed], Never>, [Performed])] = []
            state.performWaiters.removeAll { waiter in
                guard snapshot.count >= waiter.count else { return false }
                ready.append((waiter.continuation, snapshot))
                return true
            }
            return (nil, ready)
        }
        if let failure { throw failure }
        for (continuation, snapshot) in ready { continuation.resume(returning: snapshot) }
        return DeliveryReceipt(messageID: Int64(performed.count))
    }

    /// Makes the next polls fail with these errors, in order.
    func failNextPolls(_ errors: [PlatformError]) {
        state.withLock { $0.pollFailures.append(contentsOf: errors) }
    }

    /// When each poll arrived.
    var pollAttempts: [ContinuousClock.Instant] { state.withLock { $0.pollAttempts } }

    func poll(offset: Int64?, timeout: Duration, kinds: Set<UpdateKind>) async throws -> [ReceivedUpdate] {
        let failure = state.withLock { state -> PlatformError? in
            state.pollAttempts.append(ContinuousClock.now)
            return state.pollFailures.isEmpty ? nil : state.pollFailures.removeFirst()
        }
        if let failure { throw failure }
        state.withLock { state in
            state.offsetsSeen.append(offset)
            if let offset { state.pending.removeAll { $0.id < offset } }
        }
        pollsSeen.record()
        let available = state.withLock { $0.pending }
        if !available.isEmpty { return available }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.pending.isEmpty || Task.isCancelled { return true }
                    state.pollWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.pollWaiter = nil }
                return state.pollWaiter
            }
            waiter?.resume()
        }
        try Task.checkCancellation()
        return state.withLock { $0.pending }
    }
}

struct ScriptedTimeout: Error, CustomStringConvertible {
    var expected: Int
    var got: Int
    var description: String { "expected \(expected) performed actions, got \(got) before the timeout" }
}

/// Decodes ``ScriptedPlatform``'s JSON into message updates.
struct ScriptedDecoder: UpdateDecoder {
    func decode(_ raw: Data, botUsername: String?) throws -> Update {
        let object = try JSONSerialization.jsonObject(with: raw) as! [String: Any]
        let id = (object["update_id"] as! NSNumber).int64Value
        let chat = (object["chat"] as! NSNumber).int64Value
        let text = object["text"] as! String
        let message = Message(
            id: id, chat: Chat(id: chat, kind: .private), sender: User(id: chat, firstName: "User \(chat)"),
            date: Date(), text: text, command: Command.parse(text, botUsername: botUsername))
        return Update(id: id, content: .message(message), raw: raw)
    }
}
