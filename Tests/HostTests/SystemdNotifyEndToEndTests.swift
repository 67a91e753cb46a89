import FakeBotAPI
import Foundation
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The real `aviary` binary as a `Type=notify` systemd unit sees it: with `NOTIFY_SOCKET` set to
/// a datagram socket the test listens on, `READY=1` arrives once `/readyz` answers 200, never
/// before, and `STOPPING=1` when SIGTERM begins the shutdown.
@Suite("systemd notify end to end", .serialized, .timeLimit(.minutes(3)))
struct SystemdNotifyEndToEndTests {
    static let token = "6600:" + String(repeating: "n", count: 35)

    /// The host on `sandbox`'s folders, with the sandbox bot `gamma` and `NOTIFY_SOCKET` naming a
    /// socket the returned receiver listens on (inside the returned folder, which must outlive it).
    static func start(_ sandbox: HostSandbox) throws -> (TemporaryFolder, DatagramReceiver, AviaryProcess) {
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let folder = try TemporaryFolder()
        let receiver = try DatagramReceiver(path: folder.path + "/notify")
        let host = try AviaryProcess(
            arguments: sandbox.runArguments, environment: ["NOTIFY_SOCKET": receiver.notifySocket],
            logPath: sandbox.logPath)
        return (folder, receiver, host)
    }

    @Test("READY=1 once every launch bot settled (readyz 200), STOPPING=1 on SIGTERM, exit 0")
    func readyAfterReadyz() async throws {
        let fake = FakeBotAPI()
        try await fake.start()
        fake.addBot(token: Self.token, userID: 6600, username: "notify_bot")
        // The bot cannot finish starting until the test says so: the host is not ready meanwhile.
        fake.hold(token: Self.token, method: "getMe")
        let sandbox = try HostSandbox()
        try sandbox.writeManifest(
            "notify",
            PromiseHost.manifest(id: "notify", token: Self.token, apiURL: fake.baseURL, plugins: ["echo"])
        )
        let (folder, receiver, host) = try Self.start(sandbox)
        defer { withExtendedLifetime(folder) {} }
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")

        await fake.waitForCalls(token: Self.token, method: "getMe", count: 1)
        #expect(try await probe.call(.GET, "/readyz").status == 503)
        #expect(receiver.pending() == nil, "READY=1 while /readyz still answers 503")

        fake.release(token: Self.token, method: "getMe")
        #expect(try await receiver.receive() == "READY=1", "\(host.log)")
        #expect(try await probe.call(.GET, "/readyz").status == 200)

        host.signal(SIGTERM)
        #expect(try await receiver.receive() == "STOPPING=1", "\(host.log)")
        #expect(try await host.waitForExit() == 0, "\(host.log)")
        #expect(receiver.pending() == nil, "one READY=1 and one STOPPING=1, nothing more")
        await fake.stop()
    }

    @Test("SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 once the reload is done")
    func reloadNotifications() async throws {
        let sandbox = try HostSandbox()
        let (folder, receiver, host) = try Self.start(sandbox)
        defer { withExtendedLifetime(folder) {} }
        #expect(try await receiver.receive() == "READY=1", "\(host.log)")
        try sandbox.writeManifest("delta", HTTPTestHost.sandboxManifest.replacingOccurrences(of: "id: gamma", with: "id: delta"))
        host.signal(SIGHUP)
        let reloading = try await receiver.receive()
        #expect(reloading.hasPrefix("RELOADING=1\nMONOTONIC_USEC="), "\(reloading)")
        #expect(try await receiver.receive() == "READY=1", "\(host.log)")
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        let readyz = try await probe.call(.GET, "/readyz").text
        #expect(readyz.contains("delta: "), "READY=1 comes after the reload started delta: \(readyz)")
        try await host.waitForLog("reload: 1 started (delta)")
        host.signal(SIGTERM)
        #expect(try await receiver.receive() == "STOPPING=1")
        #expect(try await host.waitForExit() == 0, "\(host.log)")
    }

    @Test("a NOTIFY_SOCKET that names no socket is logged once and the host runs on")
    func unusableSocketIsLogged() async throws {
        let sandbox = try HostSandbox()
        try sandbox.writeManifest("gamma", HTTPTestHost.sandboxManifest)
        let host = try AviaryProcess(
            arguments: sandbox.runArguments,
            environment: ["NOTIFY_SOCKET": "@"],
            logPath: sandbox.logPath
        )
        try await host.waitForLog("systemd will not be told the host is ready: NOTIFY_SOCKET '@' names no abstract")
        let probe = HTTPProbe(baseURL: "http://127.0.0.1:\(try await host.httpPort())")
        #expect(try await probe.call(.GET, "/healthz").status == 200)
        host.signal(SIGTERM)
        #expect(try await host.waitForExit() == 0, "\(host.log)")
    }
}
