public import Foundation
import Hummingbird
public import Logging
import Synchronization

/// A fake Telegram Bot API server on loopback, faithful to Telegram's JSON and errors, for
/// end-to-end tests and benchmarks.
///
/// Tests register bots, inject updates (`sendText`, `pressButton`, `enqueueUpdate`), inject
/// faults (`failNext`), and await what the bots send (`waitForSentMessages`) instead of sleeping.
public final class FakeBotAPI: Sendable {
    let state = Mutex(FakeState())
    private let logger: Logger
    /// Whether calls and sent messages are kept for ``calls(token:)`` and ``sentMessages(token:)``.
    let records: Bool
    /// Told of every message a bot sends, as it is accepted.
    let sentObserver = Mutex<SentObserver?>(nil)
    private let server = Mutex<LoopbackServer?>(nil)

    /// Creates a fake; call ``start()`` before use.
    ///
    /// - Parameter records: Keep every call and sent message for inspection (tests); a load
    ///   benchmark turns it off and watches ``observeSentMessages(_:)`` instead, so memory
    ///   stays flat however long it runs.
    public init(logger: Logger = Logger(label: "fake-bot-api"), records: Bool = true) {
        self.logger = logger
        self.records = records
    }

    /// Calls `observer` with every message a bot sends, as the fake accepts it.
    public func observeSentMessages(_ observer: @escaping @Sendable (_ token: String, _ message: SentMessage) -> Void) {
        sentObserver.withLock { $0 = SentObserver(notify: observer) }
    }

    /// The server's address, `http://127.0.0.1:<port>`; valid after ``start()``.
    public var baseURL: URL {
        guard let port = server.withLock({ $0?.port }) else { preconditionFailure("FakeBotAPI.start() was not called") }
        return URL(string: "http://127.0.0.1:\(port)")!
    }

    /// Binds an OS-chosen port on 127.0.0.1 and returns once the server listens.
    public func start() async throws {
        let connections = ConnectionEvents(
            accepted: { self.state.withLock { $0.busyConnections += 1 } },
            finished: {
                self.state.withLock { $0.busyConnections -= 1 }
                self.notifyStateWaiters()
            })
        let started = try await LoopbackServer.start(name: "fake-bot-api", logger: logger, connections: connections) {
            router in
            router.on("**", method: .post) { request, _ in try await self.respond(to: request) }
            router.on("**", method: .get) { request, _ in try await self.respond(to: request) }
        }
        server.withLock { $0 = started }
    }

    /// Stops the server and releases every waiting request.
    public func stop() async {
        let running = server.withLock { $0 }
        let polls = state.withLock { state in
            state.bots.keys.compactMap { token -> CheckedContinuation<PollWake, Never>? in
                defer { state.bots[token]?.poll = nil }
                return state.bots[token]?.poll?.continuation
            }
        }
        for poll in polls { poll.resume(returning: .timeout) }
        releaseAllHeldCalls()
        await running?.stop()
    }

    /// Registers a bot; its token is then accepted. Registering a token again changes only its
    /// identity: queued updates and a waiting long poll are kept.
    public func addBot(token: String, userID: Int64, username: String, firstName: String = "Test Bot") {
        state.withLock { state in
            guard state.bots[token] != nil else {
                state.bots[token] = FakeBot(userID: userID, username: username, firstName: firstName)
                return
            }
            // Registered already: only the identity changes; queued updates and a waiting long
            // poll stay (replacing the bot dropped the poll, which then never answered).
            state.bots[token]!.userID = userID
            state.bots[token]!.username = username
            state.bots[token]!.firstName = firstName
        }
    }

    /// Lets the bot send to a chat it has not heard from.
    public func markChatKnown(token: String, chatID: Int64) {
        state.withLock { _ = $0.bots[token]?.knownChats.insert(chatID) }
    }

    /// Makes the bot's next `times` calls of `method` fail with `failure`.
    public func failNext(token: String, method: String, times: Int = 1, with failure: FakeFailure) {
        state.withLock { $0.bots[token]?.failures[method, default: []].append(contentsOf: repeatElement(failure, count: times)) }
    }

    /// Forgets the failures still queued for `method`.
    public func clearFailures(token: String, method: String) {
        state.withLock { $0.bots[token]?.failures[method] = nil }
    }

    /// Everything the bot sent or edited, in order.
    public func sentMessages(token: String) -> [SentMessage] {
        state.withLock { $0.bots[token]?.sent ?? [] }
    }

    /// Every call the bot made, in order.
    public func calls(token: String) -> [RecordedCall] {
        state.withLock { $0.bots[token]?.calls ?? [] }
    }

    /// The webhook URL the bot set, if any.
    public func webhookURL(token: String) -> String? {
        state.withLock { $0.bots[token]?.webhookURL }
    }

    /// Waits until the bot sent at least `count` messages.
    ///
    /// - Throws: ``FakeTimeout`` listing what did arrive.
    public func waitForSentMessages(token: String, count: Int, timeout: Duration) async throws -> [SentMessage] {
        let arrived = await withTaskGroup(of: Bool.self) { group in
            let id = state.withLock { state -> Int in
                state.nextWaiterID += 1
                return state.nextWaiterID
            }
            group.addTask {
                await withCheckedContinuation { continuation in
                    let ready = self.state.withLock { state -> Bool in
                        if (state.bots[token]?.sent.count ?? 0) >= count { return true }
                        state.sentWaiters[id] = (token, count, continuation)
                        return false
                    }
                    if ready { continuation.resume(returning: true) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let waiter = self.state.withLock { $0.sentWaiters.removeValue(forKey: id) }
                waiter?.continuation.resume(returning: false)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        let sent = sentMessages(token: token)
        guard arrived || sent.count >= count else {
            throw FakeTimeout(description: "expected \(count) sent message(s) within \(timeout), got \(sent.count): \(sent.map(\.text).suffix(10))")
        }
        return sent
    }
}
