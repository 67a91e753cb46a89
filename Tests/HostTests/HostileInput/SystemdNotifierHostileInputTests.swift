import Foundation
@testable import Host
import PropertyBased
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `$NOTIFY_SOCKET` and the socket it names as hostile input: every value is read into an address
/// or refused with a typed error, and every send ends at once, with the datagram sent or an error.
@Suite("systemd notify socket hostile input", .timeLimit(.minutes(3)))
struct SystemdNotifierHostileInputTests {
    /// The bytes `sun_path` holds on Linux.
    static let capacity = 108

    /// Any text: NUL and control bytes, Latin-1, emoji, slashes and `@` where they hurt.
    static let anyText = Gen.element(of: [
        "\u{0}", "\n", "/", "@", "a", "Z", "9", ".", " ", "é", "ß", "😀", "\u{301}", "vsock:", "..", "\u{7F}",
        String(repeating: "x", count: 50),
    ]).compactMap { $0 }.array(of: 0...12).map { $0.joined() }

    /// What the parser should make of `value`, per sd_notify(3).
    static func expected(_ value: String) -> SystemdNotifier.Address? {
        let bytes = Array(value.utf8)
        guard !bytes.contains(0) else { return nil }
        if bytes.first == UInt8(ascii: "/"), bytes.count <= capacity - 1 { return .path(value) }
        if bytes.first == UInt8(ascii: "@"), (2...capacity).contains(bytes.count) {
            return .abstract(String(decoding: bytes.dropFirst(), as: UTF8.self))
        }
        return nil
    }

    @Test("any value is read as sd_notify reads it or refused naming it, in a message of bounded length")
    func anyValueIsReadOrRefused() async throws {
        let prefixes = Gen.element(of: ["", "/", "@", "/tmp/", "vsock:", "./", "@@", "//"]).compactMap { $0 }
        await propertyCheck(count: 500, input: zip(prefixes, Self.anyText)) { prefix, rest in
            let value = prefix + rest
            do throws(SystemdNotifierError) {
                let address = try SystemdNotifier.address(parsing: value)
                #expect(address == Self.expected(value), "\(value.debugDescription)")
            } catch {
                #expect(Self.expected(value) == nil, "\(value.debugDescription) refused: \(error)")
                #expect(error.description.hasPrefix("NOTIFY_SOCKET '"), "\(error)")
                #expect(error.description.utf8.count < 300, "\(error)")
                #expect(!error.description.contains("\n"), "a refusal is one log line: \(error)")
            }
        }
    }

    @Test("paths hold at most 107 bytes and abstract names 1 to 107, whatever the characters")
    func lengthLimits() async throws {
        let characters = Gen.element(of: ["a", "é", "😀", "-"]).compactMap { $0 }
        let input = zip(Gen.int(in: 0...400), characters, Gen.bool())
        await propertyCheck(count: 300, input: input) { length, character, abstract in
            let body = String(repeating: character, count: length)
            let value = (abstract ? "@" : "/") + body
            let fits = abstract ? (1...107).contains(body.utf8.count) : body.utf8.count <= 106
            let accepted = (try? SystemdNotifier.address(parsing: value)) != nil
            #expect(accepted == fits, "\(value.utf8.count) bytes, abstract: \(abstract)")
        }
        let longestPath = "/" + String(repeating: "a", count: 106)
        #expect(try SystemdNotifier.address(parsing: longestPath) == .path(longestPath))
        #expect(throws: SystemdNotifierError.self) {
            try SystemdNotifier.address(parsing: "/" + String(repeating: "a", count: 107))
        }
        let longestName = String(repeating: "a", count: 107)
        #expect(try SystemdNotifier.address(parsing: "@" + longestName) == .abstract(longestName))
        #expect(throws: SystemdNotifierError.self) {
            try SystemdNotifier.address(parsing: "@" + String(repeating: "a", count: 108))
        }
        #expect(throws: SystemdNotifierError.self) { try SystemdNotifier.address(parsing: "@") }
    }

    @Test("an unset or empty NOTIFY_SOCKET means no notifier, and sends nothing")
    func unsetMeansNone() throws {
        #expect(try SystemdNotifier(environment: [:]) == nil)
        #expect(try SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
        #expect(
            try SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"])?.address
                == .path("/run/systemd/notify")
        )
    }

    @Test("a socket file that is missing, or whose folder is, is an error naming it, never a crash or a wait")
    func missingFiles() async throws {
        let folder = try TemporaryFolder()
        let names = Gen.element(of: ["a", "é", "-", ".", " ", "😀", "/"]).compactMap { $0 }.array(of: 1...12)
            .map { $0.joined() }
        await propertyCheck(count: 200, input: names) { name in
            let notifier = SystemdNotifier(address: .path(folder.path + "/missing/" + name))
            let direct = SystemdNotifier(
                address: .path(folder.path + "/" + name.replacingOccurrences(of: "/", with: "_"))
            )
            for notifier in [notifier, direct] {
                #expect(throws: SystemdNotifierError.self) { try notifier.send("READY=1") }
            }
        }
    }

    @Test("abstract names nobody listens on are refused by the system, and the sender goes on")
    func abstractNamesNobodyListensOn() async throws {
        let names = Gen.letterOrNumber.string(of: 1...100).map { "aviary-nobody-\($0)" }
        await propertyCheck(count: 200, input: names) { name in
            let error = #expect(throws: SystemdNotifierError.self) {
                try SystemdNotifier(address: .abstract(name)).send("READY=1")
            }
            #expect(error?.description.contains("@aviary-nobody-") == true, "\(String(describing: error))")
        }
    }

    @Test("a file, a folder or a stream socket where the datagram socket should be is an error")
    func notADatagramSocket() throws {
        let folder = try TemporaryFolder()
        let file = folder.path + "/file"
        _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let stream = try StreamListener(path: folder.path + "/stream")
        for path in [file, folder.path, stream.path, "/"] {
            #expect(throws: SystemdNotifierError.self, "\(path)") {
                try SystemdNotifier(address: .path(path)).send("READY=1")
            }
        }
    }

    @Test("a receiver that never reads fills up, and the sender then gets an error instead of waiting")
    func fullReceiverNeverBlocks() async throws {
        let folder = try TemporaryFolder()
        let receiver = try DatagramReceiver(path: folder.path + "/notify")
        let notifier = try #require(try SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))
        // Bounded by count: the queue holds a few hundred datagrams at most, far fewer than this.
        // A send that blocked would hold its thread for good; the guard fails the test instead.
        let flood: (sent: Int, refusal: SystemdNotifierError?)? = await Self.unlessStuck {
            var sent = 0
            for _ in 0..<100_000 {
                do throws(SystemdNotifierError) {
                    try notifier.send("STATUS=" + String(repeating: "x", count: 1_000))
                    sent += 1
                } catch {
                    return (sent, error)
                }
            }
            return (sent, nil)
        }
        let (sent, refusal) = try #require(flood, "a send to a full receiver blocked")
        #expect(sent > 0)
        #expect(
            refusal?.description.contains("Resource temporarily unavailable") == true,
            "\(String(describing: refusal))"
        )
        #expect(receiver.pending()?.hasPrefix("STATUS=x") == true)
    }

    @Test("addresses at the very limits reach a listener: a 107-byte path and a 107-byte abstract name")
    func limitsReachListeners() async throws {
        let folder = try TemporaryFolder()
        let padding = 107 - folder.path.utf8.count - 1
        let path = folder.path + "/" + String(repeating: "p", count: padding)
        let longest = try DatagramReceiver(path: path)
        let name = DatagramReceiver.uniqueAbstractName()
        let abstract = try DatagramReceiver(abstractName: name + String(repeating: "n", count: 107 - name.utf8.count))
        for receiver in [longest, abstract] {
            #expect(receiver.notifySocket.utf8.count == 107 + (receiver === abstract ? 1 : 0))
            let notifier = try #require(try SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.notifySocket]))
            try notifier.send("READY=1")
            #expect(try await receiver.receive() == "READY=1")
        }
    }
}

extension SystemdNotifierHostileInputTests {
    /// Runs `work` on a thread of its own and returns its result, or `nil` when it is still
    /// running after 30 s (a hang guard, not a timing assertion: the work is a tight loop).
    static func unlessStuck<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T? {
        let (results, result) = AsyncStream<T?>.makeStream()
        Thread.detachNewThread { result.yield(work()) }
        Task {
            try? await Task.sleep(for: .seconds(30))
            result.yield(nil)
        }
        for await value in results { return value }
        return nil
    }
}
