import Foundation

/// A fresh folder under /tmp (short enough for socket paths), removed
/// when the value goes.
final class TemporaryFolder: @unchecked Sendable {
    /// The folder's path.
    let path: String

    init() throws {
        path = "/tmp/aviary-notify-\(UInt32.random(in: .min ... .max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
