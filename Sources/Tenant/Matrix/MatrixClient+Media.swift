public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension MatrixClient {
    /// The largest file uploaded or downloaded: Synapse's default `max_upload_size`.
    public static let largestMedia = 50 << 20

    /// Uploads `bytes` (`POST /_matrix/media/v3/upload`) as the bot and returns their `mxc://` URL.
    ///
    /// - Throws: ``PlatformError``: permanent for a file over ``largestMedia`` bytes or a
    ///   refusal (413 when over the homeserver's own limit), transient when it cannot be reached.
    public func upload(_ bytes: Data, contentType: String, fileName: String) async throws -> String {
        guard bytes.count <= Self.largestMedia else {
            throw PlatformError(kind: .permanent, method: "upload", message: "a file of \(bytes.count) bytes is over 50 MiB")
        }
        let data = try await exchange(
            .POST,
            "/_matrix/media/v3/upload?filename=\(Self.escaped(fileName))",
            body: ByteBuffer(data: bytes),
            contentType: contentType,
            method: "upload",
            separator: "&"
        )
        let answer = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard let url = answer?["content_uri"] as? String, url.hasPrefix("mxc://") else {
            throw PlatformError(kind: .transient, method: "upload", message: "answer without a content_uri")
        }
        return url
    }

    /// The bytes of `mxc` (`mxc://server/id`), through the authenticated media API
    /// (`GET /_matrix/client/v1/media/download/{server}/{id}`), as the bot.
    ///
    /// - Throws: ``PlatformError``: permanent for a URL that is not `mxc://server/id`, a file over
    ///   ``largestMedia`` bytes or one the homeserver does not have (404).
    public func download(_ mxc: String) async throws -> Data {
        let parts = mxc.hasPrefix("mxc://") ? mxc.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false) : []
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw PlatformError(kind: .permanent, method: "download", message: "'\(mxc.prefix(80))' is no mxc://server/id URL")
        }
        return try await exchange(
            .GET,
            "/_matrix/client/v1/media/download/\(Self.escaped(String(parts[0])))/\(Self.escaped(String(parts[1])))",
            body: nil,
            contentType: "application/octet-stream",
            method: "download",
            limit: Self.largestMedia
        )
    }
}
