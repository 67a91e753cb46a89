import FakeBotAPI
import Foundation
import Hummingbird
public import Logging
import Synchronization

/// A fake OpenAI-compatible Chat Completions server on loopback that checks the shape of every
/// request, for the companion plugin's tests.
///
/// `POST /v1/chat/completions` is answered `fake reply N to: <last user text>`, or, for requests
/// with `response_format: json_object`, with ``profileAnswer``. A request of the wrong shape is
/// answered 400 and recorded in ``violations``. Tests inject faults (``failNext(_:times:)``),
/// hold requests (``stall(containing:)``) and await what arrived instead of sleeping.
public final class FakeModelAPI: Sendable {
    struct State {
        var requests: [FakeModelRequest] = []
        var violations: [String] = []
        var failures: [FakeModelFailure] = []
        var stallMarker: String?
        var stalled: [CheckedContinuation<Void, Never>] = []
        var waiters: [Waiter] = []
        var nextWaiterID = 0
        var profileAnswer = #"{"interests":["fake models"],"facts":["talked to the fake model"]}"#
        var answered = 0
    }

    /// Someone waiting until a count reaches a value.
    struct Waiter {
        var id: Int
        var ready: @Sendable (State) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    let state = Mutex(State())
    /// The API key requests must carry as `Authorization: Bearer <key>`; `nil`: none expected.
    let apiKey: String?
    private let logger: Logger
    private let server = Mutex<LoopbackServer?>(nil)

    /// Creates a fake; call ``start()`` before use.
    public init(apiKey: String? = nil, logger: Logger = Logger(label: "fake-model-api")) {
        self.apiKey = apiKey
        self.logger = logger
    }

    /// The base URL a companion's `base_url` takes: `http://127.0.0.1:<port>/v1`.
    public var baseURL: String {
        guard let port = server.withLock({ $0?.port }) else {
            preconditionFailure("FakeModelAPI.start() was not called")
        }
        return "http://127.0.0.1:\(port)/v1"
    }

    /// Binds an OS-chosen port on 127.0.0.1 and returns once the server listens.
    public func start() async throws {
        let started = try await LoopbackServer.start(name: "fake-model-api", logger: logger) { router in
            router.post("v1/chat/completions") { request, _ in try await self.complete(request) }
        }
        server.withLock { $0 = started }
    }

    /// Releases held requests and stops the server.
    public func stop() async {
        release()
        await server.withLock { $0 }?.stop()
    }

    /// Answers the next `times` requests with `failure`.
    public func failNext(_ failure: FakeModelFailure, times: Int = 1) {
        state.withLock { $0.failures.append(contentsOf: repeatElement(failure, count: times)) }
    }

    /// Holds every request whose last user message contains `marker` until ``release()``.
    public func stall(containing marker: String) {
        state.withLock { $0.stallMarker = marker }
    }

    /// Answers the held requests and stops holding new ones.
    public func release() {
        let held = state.withLock { state in
            state.stallMarker = nil
            defer { state.stalled = [] }
            return state.stalled
        }
        for continuation in held { continuation.resume() }
    }

    /// What profile-update requests (`response_format: json_object`) are answered with.
    public func setProfileAnswer(_ json: String) {
        state.withLock { $0.profileAnswer = json }
    }

    /// Every well-formed request, in arrival order.
    public var requests: [FakeModelRequest] { state.withLock { $0.requests } }

    /// What was wrong with each malformed request.
    public var violations: [String] { state.withLock { $0.violations } }

    /// Waits until at least `count` well-formed requests arrived.
    public func waitForRequests(count: Int, timeout: Duration = .seconds(30)) async throws -> [FakeModelRequest] {
        guard await wait(until: { $0.requests.count >= count }, timeout: timeout) else {
            throw FakeModelTimeout(description: "expected \(count) request(s) within \(timeout), got \(requests.count)")
        }
        return requests
    }

    /// Waits until at least `count` requests are held by ``stall(containing:)``.
    public func waitForStalled(count: Int, timeout: Duration = .seconds(30)) async throws {
        guard await wait(until: { $0.stalled.count >= count }, timeout: timeout) else {
            throw FakeModelTimeout(description: "expected \(count) held request(s) within \(timeout)")
        }
    }

    /// Whether `ready` became true before `timeout`.
    private func wait(until ready: @escaping @Sendable (State) -> Bool, timeout: Duration) async -> Bool {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let now = self.state.withLock { state in
                        if ready(state) { return true }
                        state.waiters.append(Waiter(id: id, ready: ready, continuation: continuation))
                        return false
                    }
                    if now { continuation.resume() }
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            if !first { self.abandonWaiter(id) }
            return first
        }
    }

    /// Resumes the waiters whose condition now holds.
    func notifyWaiters() {
        let ready = state.withLock { state in
            let (done, waiting) = (state.waiters.filter { $0.ready(state) }, state.waiters.filter { !$0.ready(state) })
            state.waiters = waiting
            return done
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Resumes waiter `id` after its timeout, so its task is not left hanging.
    private func abandonWaiter(_ id: Int) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume()
    }
}
