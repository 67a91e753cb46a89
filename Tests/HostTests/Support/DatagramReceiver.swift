import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Unix datagram socket a test listens on, standing in for systemd's notification socket.
final class DatagramReceiver: @unchecked Sendable {
    /// The socket as `$NOTIFY_SOCKET` names it: a path, or `@name` in the abstract namespace.
    let notifySocket: String
    private let descriptor: Int32
    private let path: String?

    /// Binds a socket file at `path`.
    convenience init(path: String) throws {
        try self.init(notifySocket: path, address: Array(path.utf8) + [0], path: path)
    }

    /// Binds `name` in the abstract namespace.
    convenience init(abstractName name: String) throws {
        try self.init(notifySocket: "@" + name, address: [0] + Array(name.utf8), path: nil)
    }

    /// A fresh abstract name nobody else uses.
    static func uniqueAbstractName() -> String {
        "aviary-test-\(UUID().uuidString)"
    }

    private init(notifySocket: String, address: [UInt8], path: String?) throws {
        self.notifySocket = notifySocket
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        guard address.count <= MemoryLayout.size(ofValue: storage.sun_path) else {
            close(descriptor)
            throw HarnessError("\(notifySocket) is too long to bind")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: address) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count)
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw HarnessError("bind \(notifySocket): \(reason)")
        }
        // A hang guard, not a timing assertion: a receive that waits this long fails the test.
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram; throws when none arrives within the socket's 30-second guard.
    func receive() async throws -> String {
        let descriptor = self.descriptor
        let text: String? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.read(descriptor, flags: 0))
            }
        }
        guard let text else {
            throw HarnessError("no datagram on \(notifySocket): \(String(cString: strerror(errno)))")
        }
        return text
    }

    /// A datagram already waiting, or `nil`; never waits.
    func pending() -> String? {
        Self.read(descriptor, flags: Int32(MSG_DONTWAIT))
    }

    private static func read(_ descriptor: Int32, flags: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, flags) }
        return count < 0 ? nil : String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }
}

/// A listening Unix stream socket: not what systemd's notification socket is.
final class StreamListener {
    /// The socket file.
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            close(descriptor)
            throw HarnessError("cannot listen on \(path)")
        }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}
