import Foundation
import Synchronization

/// Where a remote plugin reads its signing secret at each call: one written in the manifest, or
/// the one of a `secret_file`, which the host reads again at every scan (SIGHUP, or a manifest
/// change) and which reaches the plugins already running at once, without restarting their bot.
///
/// A file's source is one per path in the process (``file(atPath:)``): the plugin built from a
/// rescanned manifest and the one still running share it, so reading the file again is enough
/// to rotate the secret.
public final class RemoteSecretSource: Sendable {
    private let secret: Mutex<RemoteSecret>

    private init(_ secret: RemoteSecret) {
        self.secret = Mutex(secret)
    }

    /// A source that always gives `secret` (a manifest's `secret:`).
    static func fixed(_ secret: RemoteSecret) -> RemoteSecretSource {
        RemoteSecretSource(secret)
    }

    private static let files = Mutex<[String: RemoteSecretSource]>([:])

    /// The source of the secret file at `path`, now holding `secret`, the file's text as just
    /// read: every plugin signing with that file signs with `secret` from its next call on.
    static func file(atPath path: String, holding secret: RemoteSecret) -> RemoteSecretSource {
        let path = URL(fileURLWithPath: path).standardizedFileURL.path
        return files.withLock { files in
            if let source = files[path] {
                source.secret.withLock { $0 = secret }
                return source
            }
            let source = RemoteSecretSource(secret)
            files[path] = source
            return source
        }
    }

    /// The secret to sign the next call with.
    var current: RemoteSecret { secret.withLock { $0 } }
}
