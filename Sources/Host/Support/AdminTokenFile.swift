import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `<data-dir>/admin.token`: the admin token a host makes for itself on its first run when
/// none is given (no `AVIARY_ADMIN_TOKEN`, no `api.admin_token_file`), so that the dashboard
/// can always be signed in to by whoever may read the data folder.
struct AdminTokenFile: Sendable {
    /// The file's name inside the data folder.
    static let fileName = "admin.token"

    /// Where the file lives.
    let path: String

    /// The file in `dataDirectory`.
    init(dataDirectory: String) {
        path = (dataDirectory as NSString).appendingPathComponent(Self.fileName)
    }

    /// Makes the file (`0600`) with a new random token of 48 hex digits, unless it exists; a
    /// file that exists is left as it is, whatever it holds. Answers whether it made the file.
    ///
    /// - Throws: ``HostError`` naming the file when it can be neither made nor found.
    @discardableResult
    func make() throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return false }
            throw HostError("cannot make the admin token file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var generator = SystemRandomNumberGenerator()
        let token = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw HostError("cannot write the admin token file \(path): \(reason)")
        }
        return true
    }
}
