package import AsyncHTTPClient
package import CoreMetrics
import Foundation
import Logging
public import GRDB
public import Tenant

/// A plugin that lives in its own process, in any language, called over HTTP with the signed
/// protocol of `docs/remote-plugin-protocol.yaml`. Settings: ``RemoteConfiguration``.
///
/// Per update (and per call-back it scheduled, as a `job` event) it POSTs the bot, the neutral
/// update, the chat and person, and its stored state; it applies the answer's actions and state
/// changes through its context, so they commit with the update or not at all.
///
/// A timeout, a refused connection, a 5xx or a bad answer is called again with backoff while
/// the chat waits, at most `attempts` times; then `on_failure` decides: the update fails with
/// the plugin's error, or passes to the next plugin. After ``RemoteCircuitBreaker/threshold``
/// failed calls in a row the breaker opens, and calls fail at once for 30 s.
public struct RemotePlugin: Plugin {
    /// The settings type.
    public typealias Configuration = RemoteConfiguration

    /// `remote`.
    public static let name = "remote"

    /// The state table.
    public static var migrations: [PluginMigration] { RemoteStateStore.migrations }

    /// `remote:<name>`: the plugin's storage namespace and its name in errors.
    public let instanceName: String

    /// The instance name of the remote plugin named `name` in its manifest: `remote:<name>`.
    public static func instanceName(named name: String) -> String {
        "\(Self.name):\(name)"
    }
    /// The kinds from `interests`.
    public let interests: Set<UpdateKind>
    /// The settings.
    public let configuration: RemoteConfiguration

    private var client: RemoteClient
    private let breaker: RemoteCircuitBreaker
    private let metrics: RemoteMetrics
    private let backoff: Backoff

    /// Creates the plugin over ``RemoteHTTP/client``; the secret is `secret`, or the host
    /// reads `secret_file` and gives it with ``withSecret(_:)``.
    ///
    /// - Throws: ``PluginConfigurationError`` naming the setting that is wrong.
    public init(configuration: RemoteConfiguration, bot: BotDescriptor) throws {
        try self.init(
            configuration: configuration,
            bot: bot,
            httpClient: RemoteHTTP.client,
            metricsFactory: MetricsSystem.factory
        )
    }

    /// Creates the plugin with its collaborators given, for tests.
    package init(
        configuration: RemoteConfiguration,
        bot: BotDescriptor,
        httpClient: HTTPClient,
        metricsFactory: any MetricsFactory,
        backoff: Backoff = Backoff(initial: RemoteLimits.retryInitial, maximum: RemoteLimits.retryMaximum),
        breaker: RemoteCircuitBreaker = RemoteCircuitBreaker()
    ) throws {
        let (url, interests) = try configuration.validated()
        self.configuration = configuration
        self.instanceName = Self.instanceName(named: configuration.name)
        self.interests = interests
        self.client = RemoteClient(
            url: url,
            secret: configuration.secret.map { RemoteSecretSource.fixed(RemoteSecret(text: $0)) },
            timeout: configuration.timeout.duration,
            httpClient: httpClient
        )
        self.metrics = RemoteMetrics(botID: bot.id, plugin: configuration.name, factory: metricsFactory)
        self.backoff = backoff
        self.breaker = breaker
    }

    /// The same plugin signing with `secret`.
    public func withSecret(_ secret: RemoteSecret) -> RemotePlugin {
        signing(with: .fixed(secret))
    }

    /// The same plugin signing with the secret of the file at `path`, which holds
    /// `secret` as just read. Every plugin signing with that file, this one and those already
    /// running, signs with `secret` from its next call on: reading the file again at a scan
    /// rotates the secret without restarting a bot (``RemoteSecretSource``).
    public func withSecret(_ secret: RemoteSecret, fromFile path: String) -> RemotePlugin {
        signing(with: .file(atPath: path, holding: secret))
    }

    private func signing(with source: RemoteSecretSource) -> RemotePlugin {
        var copy = self
        copy.client = RemoteClient(
            url: client.url,
            secret: source,
            timeout: client.timeout,
            httpClient: client.httpClient
        )
        return copy
    }

    /// Calls the plugin with the update and applies its answer.
    public func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        let request = try await request(
            for: .update(update),
            chat: update.chat,
            person: update.sender,
            context: context
        )
        guard let answer = try await call(request, context: context) else { return .passed }
        try apply(answer, chatID: update.chat?.id, personID: update.sender?.id, context: context)
        return answer.disposition
    }

    /// Calls the plugin with a call-back it scheduled (a `job` event) and applies its answer.
    public func fire(_ job: ScheduledJob, context: PluginContext) async throws {
        let person = job.chatID > 0 ? try await context.knownUser(job.chatID) : nil
        let request = try await request(for: .job(job), chat: nil, person: person, context: context)
        guard let answer = try await call(request, context: context) else { return }
        try apply(answer, chatID: job.chatID, personID: person?.id, context: context)
    }

    /// Erases the plugin's state of the person and of their private chat.
    public func forget(userID: Int64, in db: Database) throws {
        try RemoteStateStore.forget(plugin: instanceName, userID: userID, in: db)
    }

    /// The plugin's state of the person and of their private chat: what ``forget(userID:in:)``
    /// erases.
    public func export(userID: Int64, in db: Database) throws -> PersonData {
        try RemoteStateStore.export(plugin: instanceName, userID: userID, in: db)
    }

    private func request(
        for event: RemoteRequest.Event,
        chat: Chat?,
        person: User?,
        context: PluginContext
    ) async throws -> RemoteRequest {
        let plugin = instanceName
        let chatID = chat?.id ?? { if case .job(let job) = event { job.chatID } else { nil } }()
        let personID = person?.id
        let (chatState, personState) = try await context.storage.read { db in
            (
                try chatID.map { try RemoteStateStore.values(plugin: plugin, scope: .chat, owner: $0, in: db) } ?? [:],
                try personID.map { try RemoteStateStore.values(plugin: plugin, scope: .person, owner: $0, in: db) }
                    ?? [:]
            )
        }
        let timeZone = try await personID.asyncMap { try await context.timeZone(ofUser: $0) }
        return RemoteRequest(
            event: event,
            chatState: chatState,
            personState: personState,
            chat: chat,
            person: person,
            personTimeZone: timeZone
        )
    }

    /// The checked answer, or `nil` when every attempt failed and `on_failure` is `pass`.
    private func call(_ request: RemoteRequest, context: PluginContext) async throws -> RemoteAnswer? {
        var backoff = backoff
        var last = RemoteCallFailure(kind: .circuitOpen, detail: "not called")
        let attempts = configuration.attempts
        var made = 0
        for attempt in 1...attempts {
            if attempt > 1 { try await Task.sleep(for: backoff.next()) }
            guard breaker.admit(at: Date()) else {
                last = RemoteCallFailure(
                    kind: .circuitOpen,
                    detail: "the circuit breaker is open after \(breaker.threshold) failed calls in a row; "
                        + "not called for \(Int(breaker.openFor)) s"
                )
                metrics.failed(.circuitOpen)
                break
            }
            let started = ContinuousClock.now
            made += 1
            do throws(RemoteCallFailure) {
                let answer = try await callOnce(request, attempt: attempt, context: context)
                metrics.called(after: ContinuousClock.now - started, failure: nil)
                if breaker.succeeded() == .closed {
                    context.logger.notice("remote plugin answers again; circuit breaker closed")
                    metrics.breaker(open: false)
                }
                return answer
            } catch {
                if Task.isCancelled { throw CancellationError() }
                metrics.called(after: ContinuousClock.now - started, failure: error.kind)
                if breaker.failed(at: Date()) == .opened {
                    let (threshold, seconds) = (breaker.threshold, Int(breaker.openFor))
                    context.logger.error(
                        "remote plugin failed \(threshold) calls in a row; circuit breaker open for \(seconds) s")
                    metrics.breaker(open: true)
                }
                context.logger.warning(
                    "remote plugin call \(attempt)/\(attempts) failed (\(error.kind.rawValue)): \(error)"
                )
                last = error
                if !error.kind.isRetryable { break }
            }
        }
        switch configuration.onFailure {
        case .pass:
            context.logger.warning("remote plugin gave no answer; the update passes on (on_failure: pass): \(last)")
            return nil
        case .fail:
            throw RemotePluginError(failure: last, attempts: made)
        }
    }

    /// One call, its answer checked also against what the update allows (a chat to reply to,
    /// a person to keep state for, the state's bounds).
    private func callOnce(_ request: RemoteRequest, attempt: Int, context: PluginContext)
        async throws(RemoteCallFailure) -> RemoteAnswer
    {
        let body = request.body(bot: context.bot, identity: context.identity, attempt: attempt)
        let now = Date()
        let answer = try await client.call(
            body: body,
            idempotencyKey: request.idempotencyKey(bot: context.bot),
            timestamp: Int64(now.timeIntervalSince1970),
            now: now
        )
        do throws(RemoteAnswerError) {
            try check(answer, request: request, context: context)
        } catch {
            throw RemoteCallFailure(kind: .badAnswer, detail: "the answer is refused: \(error)")
        }
        return answer
    }

    private func check(_ answer: RemoteAnswer, request: RemoteRequest, context: PluginContext)
        throws(RemoteAnswerError)
    {
        if !answer.chat.isEmpty {
            guard request.chat != nil || context.replyChatID != nil else {
                throw RemoteAnswerError(path: "state.chat", message: "the update has no chat to keep state for")
            }
            _ = try RemoteStateStore.merged(request.chatState, answer.chat, path: "state.chat")
        }
        if !answer.person.isEmpty {
            guard request.person != nil else {
                throw RemoteAnswerError(path: "state.person", message: "the update has no person to keep state for")
            }
            _ = try RemoteStateStore.merged(request.personState, answer.person, path: "state.person")
        }
        let needsChat = answer.actions.contains { action in
            switch action {
            case .reply, .edit(_, chatGiven: false), .editButtons(_, chatGiven: false): true
            case .schedule(_, _, nil, _), .cancelSchedule(_, nil): true
            default: false
            }
        }
        if needsChat && context.replyChatID == nil {
            throw RemoteAnswerError(path: "actions", message: "an action needs the update's chat, and it has none")
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// Every attempt to call a remote plugin failed, and its `on_failure` is `fail`.
public struct RemotePluginError: Error, Sendable, CustomStringConvertible {
    /// The last failure.
    public var failure: RemoteCallFailure
    /// How many calls were made (fewer than allowed after a 4xx, or when the breaker opened).
    public var attempts: Int

    public var description: String {
        attempts == 0
            ? "\(failure.kind.rawValue): \(failure.detail)"
            : "\(failure.kind.rawValue) after \(attempts) attempt\(attempts == 1 ? "" : "s"): \(failure.detail)"
    }
}
