import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

extension FakeBotAPI {
    /// Every webhook delivery attempt to bot `token`'s webhook so far: the update id and the
    /// HTTP status answered (0 when the connection failed).
    public func webhookDeliveries(token: String) -> [(updateID: Int64, status: Int)] {
        state.withLock { $0.bots[token]?.webhookDeliveries ?? [] }
    }

    /// Updates of bot `token` Telegram still holds (not yet confirmed or delivered).
    public func pendingUpdateCount(token: String) -> Int {
        state.withLock { $0.bots[token]?.pending.count ?? 0 }
    }

    /// Delivers bot `token`'s updates to its webhook like Telegram: one at a time, in order,
    /// with the secret header; a 2xx answer confirms the update, anything else is retried after
    /// a short pause. Ends when the webhook is deleted or replaced.
    ///
    /// With nothing to deliver it waits for an update, not for a timer: a benchmark of 10,000
    /// idle webhook bots would otherwise wake 10,000 loops every few milliseconds.
    func startWebhookDelivery(token: String) {
        guard let (generation, url, secret) = state.withLock({ state in
            state.bots[token].flatMap { bot in bot.webhookURL.map { (bot.webhookGeneration, $0, bot.webhookSecret) } }
        }) else { return }
        Task {
            while true {
                let next = state.withLock { state -> (stillCurrent: Bool, update: (id: Int64, json: Data)?) in
                    guard let bot = state.bots[token], bot.webhookGeneration == generation else { return (false, nil) }
                    let update = bot.pending.first { bot.isAllowed($0.type) }
                    return (true, update.map { ($0.id, $0.json) })
                }
                guard next.stillCurrent else { return }
                guard let update = next.update else {
                    await waitForWebhookWork(token: token, generation: generation)
                    continue
                }
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                if let secret { request.headers.add(name: "X-Telegram-Bot-Api-Secret-Token", value: secret) }
                request.body = .bytes(ByteBuffer(data: update.json))
                var status = 0
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                    status = Int(response.status.code)
                    _ = try? await response.body.collect(upTo: 1 << 20)
                } catch {
                    status = 0
                }
                let delivered = (200..<300).contains(status)
                state.withLock { state in
                    state.bots[token]?.webhookDeliveries.append((update.id, status))
                    if delivered { state.bots[token]?.pending.removeAll { $0.id == update.id } }
                }
                notifyStateWaiters()
                if !delivered { try? await Task.sleep(for: .milliseconds(50)) }
            }
        }
    }
}

extension FakeBotAPI {
    /// Returns when bot `token` has an update its webhook takes, or its webhook changed from
    /// `generation` (set again or deleted).
    private func waitForWebhookWork(token: String, generation: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                guard let bot = state.bots[token], bot.webhookGeneration == generation else { return true }
                if bot.pending.contains(where: { bot.isAllowed($0.type) }) { return true }
                state.bots[token]!.webhookWake = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// The `secret_token` bot `token` registered with its webhook, if any.
    public func webhookSecret(token: String) -> String? {
        state.withLock { $0.bots[token]?.webhookSecret }
    }
}
