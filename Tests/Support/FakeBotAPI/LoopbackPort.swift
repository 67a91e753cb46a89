import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ports on 127.0.0.1 for the hosts that tests and benchmarks start.
public enum LoopbackPort {
    /// A TCP port nothing listens on right now (the kernel's pick, released at once).
    ///
    /// - Throws: ``LoopbackPortError`` when no port can be bound.
    public static func unused() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        return try bindAny(descriptor)
    }

    /// A port that refuses connections for as long as the returned value lives: bound, never
    /// listened on, so no other test's server can take it meanwhile (as one can take a port from
    /// ``unused()``).
    public static func refusing() throws -> RefusingPort {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        do {
            return RefusingPort(number: try bindAny(descriptor), descriptor: descriptor)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Binds `descriptor` to a port of the kernel's pick on 127.0.0.1; returns the port.
    private static func bindAny(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw LoopbackPortError(errno: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A port on 127.0.0.1 held bound and not listening: connecting to it is refused.
public final class RefusingPort: Sendable {
    /// The port.
    public let number: Int
    private let descriptor: Int32

    init(number: Int, descriptor: Int32) {
        self.number = number
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}

/// No free port could be bound on 127.0.0.1.
public struct LoopbackPortError: Error, CustomStringConvertible {
    /// The `errno` of the failed `bind` or `getsockname`.
    public let errno: Int32

    public var description: String {
        "cannot bind a free port on 127.0.0.1 (\(String(cString: strerror(errno)))); check the loopback interface and the open-file limit"
    }
}
