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

/// No free port could be bound on 127.0.0.1.
public struct LoopbackPortError: Error, CustomStringConvertible {
    /// The `errno` of the failed `bind` or `getsockname`.
    public let errno: Int32

    public var description: String {
        "cannot bind a free port on 127.0.0.1 (\(String(cString: strerror(errno)))); check the loopback interface and the open-file limit"
    }
}
