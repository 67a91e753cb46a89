import Crypto
import Foundation

/// The host's own secret, from which each bot's webhook secret is derived: stable across
/// restarts, unique per bot, and never the bot token.
///
/// It is read from `AVIARY_HOST_SECRET` when set, else from `<data-dir>/host.secret`, which is
/// created (0600) with 32 random bytes on first use. Every host that serves the same bots
/// behind one public URL must share it.
struct HostSecret: Sendable {
    private let material: Data

    /// A secret with this key material.
    init(_ material: Data) {
        self.material = material
    }

    /// Reads the secret from the environment or `path`, creating the file when missing.
    ///
    /// - Throws: ``HostSecretError`` when the file cannot be read or written, or is too short.
    static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> HostSecret
    {
        if let value = environment["AVIARY_HOST_SECRET"], !value.isEmpty {
            guard value.utf8.count >= 16 else {
                throw HostSecretError(message: "AVIARY_HOST_SECRET is shorter than 16 characters; use a long random value")
            }
            return HostSecret(Data(value.utf8))
        }
        if let existing = FileManager.default.contents(atPath: path) {
            guard existing.count >= 16 else {
                throw HostSecretError(message: "\(path) holds fewer than 16 bytes; delete it to have a new one made")
            }
            return HostSecret(existing)
        }
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw HostSecretError(message: "cannot create \(folder) for the host secret: \(error.localizedDescription)")
        }
        guard FileManager.default.createFile(atPath: path, contents: material, attributes: [.posixPermissions: 0o600])
        else {
            throw HostSecretError(message: "cannot write the host secret to \(path); check the data folder's permissions")
        }
        return HostSecret(material)
    }

    /// The `secret_token` bot `botID` registers with its webhook: 43 characters of `A-Za-z0-9_-`.
    func webhookSecret(for botID: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("aviary webhook \(botID)".utf8), using: SymmetricKey(data: material))
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The host secret could not be loaded.
struct HostSecretError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
