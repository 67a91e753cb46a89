import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a `token_file`: a regular file of at most 4 KiB, never a device, a pipe or a folder, so
/// that a manifest cannot make the host read forever (`/dev/zero`) or wait on a pipe.
enum TokenFile {
    /// The most bytes a token file may have.
    static let maximumBytes = 4096

    /// Why a token file cannot be used.
    enum Problem: Error, Sendable {
        case unreadable, notRegularFile, tooLarge, notText

        /// What is wrong with the file at `path` and what to do.
        func message(for path: String) -> String {
            switch self {
            case .unreadable: "cannot read \(path); check the path and its permissions"
            case .notRegularFile: "\(path) is not a regular file; put the bot token in a plain file"
            case .tooLarge: "\(path) has more than \(TokenFile.maximumBytes) bytes; put only the bot token in it"
            case .notText: "\(path) is not UTF-8 text; put only the bot token in it"
            }
        }
    }

    /// The file's text.
    static func read(_ path: String) -> Result<String, Problem> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(.unreadable)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .failure(.notRegularFile)
        }
        guard info.st_size <= maximumBytes else {
            return .failure(.tooLarge)
        }
        var bytes = [UInt8](repeating: 0, count: maximumBytes + 1)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0, count <= maximumBytes, let text = String(bytes: bytes[..<count], encoding: .utf8) else {
            return .failure(.notText)
        }
        return .success(text)
    }
}
