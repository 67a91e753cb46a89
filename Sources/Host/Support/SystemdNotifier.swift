#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the host is doing, as `sd_notify(3)` does: one datagram per message
/// (`READY=1`, `STOPPING=1`) to the Unix socket that `$NOTIFY_SOCKET` names.
///
/// The socket is a file path (`/run/systemd/notify`) or, written with a leading `@`, a name in
/// Linux's abstract namespace. Each message opens a non-blocking datagram socket, sends once and
/// closes it: a receiver that is gone, or whose queue is full, costs an error, never a wait.
struct SystemdNotifier: Sendable {
    /// Where the datagrams go.
    enum Address: Sendable, Hashable {
        /// A socket file, by its absolute path.
        case path(String)
        /// A name in the abstract namespace, without the `@` that marks it in `$NOTIFY_SOCKET`.
        case abstract(String)
    }

    /// The bytes a Unix socket address holds (`sun_path`): 108 on Linux. A path needs one more
    /// for its terminating NUL; an abstract name needs one for the NUL that replaces its `@`.
    static let addressCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// The socket the messages go to.
    let address: Address

    /// The notifier for `$NOTIFY_SOCKET` in `environment`, or `nil` when it is unset or empty
    /// (the host was not started by systemd, or by a unit of another type).
    ///
    /// - Throws: ``SystemdNotifierError`` when the value cannot name a Unix datagram socket.
    init?(environment: [String: String]) throws(SystemdNotifierError) {
        guard let value = environment["NOTIFY_SOCKET"], !value.isEmpty else { return nil }
        address = try Self.address(parsing: value)
    }

    /// A notifier for a known socket.
    init(address: Address) {
        self.address = address
    }

    /// Reads a `$NOTIFY_SOCKET` value: `/absolute/path` (at most 107 bytes) or `@name` (a name
    /// of 1 to 107 bytes). Anything else (a relative path, `vsock:`, a NUL byte) is refused.
    static func address(parsing value: String) throws(SystemdNotifierError) -> Address {
        let bytes = Array(value.utf8)
        guard !bytes.contains(0) else { throw SystemdNotifierError(value, "contains a NUL byte") }
        switch bytes.first {
        case UInt8(ascii: "/"):
            guard bytes.count < addressCapacity else {
                throw SystemdNotifierError(
                    value,
                    "is \(bytes.count) bytes long; a socket path holds at most \(addressCapacity - 1)"
                )
            }
            return .path(value)
        case UInt8(ascii: "@"):
            guard bytes.count > 1 else { throw SystemdNotifierError(value, "names no abstract socket after '@'") }
            guard bytes.count <= addressCapacity else {
                throw SystemdNotifierError(
                    value,
                    "names a \(bytes.count - 1)-byte abstract socket; at most \(addressCapacity - 1) fit"
                )
            }
            return .abstract(String(decoding: bytes.dropFirst(), as: UTF8.self))
        default:
            throw SystemdNotifierError(
                value,
                "is neither an absolute socket path nor an abstract name starting with '@'"
            )
        }
    }

    /// Sends `message` (such as `READY=1`, or several `KEY=value` lines) as one datagram.
    ///
    /// - Throws: ``SystemdNotifierError`` naming the socket and the system's reason (no such
    ///   file, nobody listening, the receiver's queue full) when the datagram was not sent whole.
    func send(_ message: String) throws(SystemdNotifierError) {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        let pathBytes: [UInt8]
        switch address {
        case .path(let path): pathBytes = Array(path.utf8) + [0]
        case .abstract(let name): pathBytes = [0] + Array(name.utf8)
        }
        guard pathBytes.count <= Self.addressCapacity else {
            throw SystemdNotifierError(notifySocket, "is too long for a socket address")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: pathBytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + pathBytes.count)

        let flags = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let descriptor = socket(AF_UNIX, flags, 0)
        guard descriptor >= 0 else { throw SystemdNotifierError(notifySocket, Self.lastError("cannot open a socket")) }
        defer { close(descriptor) }
        let payload = Array(message.utf8)
        let sent = payload.withUnsafeBytes { bytes in
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
                }
            }
        }
        guard sent == payload.count else {
            throw SystemdNotifierError(
                notifySocket,
                sent < 0 ? Self.lastError("cannot send") : "sent \(sent) of \(payload.count) bytes"
            )
        }
    }

    /// The socket as `$NOTIFY_SOCKET` writes it.
    var notifySocket: String {
        switch address {
        case .path(let path): path
        case .abstract(let name): "@" + name
        }
    }

    private static func lastError(_ what: String) -> String {
        "\(what): \(String(cString: strerror(errno)))"
    }
}

/// Why `$NOTIFY_SOCKET` names no usable socket, or why a notification was not sent.
struct SystemdNotifierError: Error, CustomStringConvertible {
    /// What is wrong, naming the socket.
    let description: String

    /// An error about the socket `socket` (shortened when it is long): `NOTIFY_SOCKET '…' <problem>`.
    init(_ socket: String, _ problem: String) {
        let shown = socket.utf8.count > 120 ? String(decoding: socket.utf8.prefix(117), as: UTF8.self) + "…" : socket
        description = "NOTIFY_SOCKET '\(shown.debugDescription.dropFirst().dropLast())' \(problem)"
    }
}
