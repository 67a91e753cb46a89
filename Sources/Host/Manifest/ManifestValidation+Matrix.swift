import Foundation

/// The `matrix:` block of a `platform: matrix` manifest: the bot's user of the host's
/// application service.
///
/// ```yaml
/// platform: matrix
/// matrix:
///   homeserver_url: https://matrix.example.org   # the client-server API (the host config's by default)
///   localpart: aviary_han                        # inside the host's matrix.user_prefix
///   display_name: Han                            # the name people see; the bot's name by default
///   avatar_url: mxc://example.org/abc            # optional
///   message_type: notice                         # notice (default) or text
/// ```
struct MatrixSettings: Sendable, Equatable {
    /// The homeserver, when the manifest names one.
    var homeserver: URL?
    /// The bot's localpart.
    var localpart: String
    /// The display name set when the bot starts, if written.
    var displayName: String?
    /// The avatar, an `mxc://` address.
    var avatarURL: String?
    /// `m.notice` or `m.text`.
    var messageType = "m.notice"
}

extension ManifestValidation {
    /// The `matrix:` block, each field checked; an error names the field (`matrix.localpart`).
    mutating func validatedMatrix(_ document: MatrixDocument?) -> MatrixSettings? {
        guard let document else {
            fail(line(of: "platform"), "matrix", "a platform: matrix bot needs a matrix block with its localpart")
            return nil
        }
        var settings = MatrixSettings(localpart: "")
        if let localpart = document.localpart {
            if (1...200).contains(localpart.count), localpart.allSatisfy(MatrixLocalpart.isAllowed) {
                settings.localpart = localpart
            } else {
                fail(
                    line(of: "matrix.localpart"),
                    "matrix.localpart",
                    "'\(localpart.prefix(60))' is not a Matrix localpart: 1 to 200 of a-z, 0-9, '.', '_', '=', '-', '/'"
                )
            }
        } else {
            fail(line(of: "matrix"), "matrix.localpart", "missing; write the bot's user name, such as aviary_han")
        }
        if let text = document.homeserverURL {
            if let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false
            {
                settings.homeserver = url
            } else {
                fail(
                    line(of: "matrix.homeserver_url"),
                    "matrix.homeserver_url",
                    "'\(text.prefix(80))' is not an http(s) URL; write the homeserver's client-server API address"
                )
            }
        }
        if let name = document.displayName {
            if (1...256).contains(name.count),
                !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            {
                settings.displayName = name
            } else {
                fail(
                    line(of: "matrix.display_name"),
                    "matrix.display_name",
                    "1 to 256 characters, without control characters"
                )
            }
        }
        if let avatar = document.avatarURL {
            if avatar.hasPrefix("mxc://"), (7...255).contains(avatar.utf8.count),
                !avatar.contains(where: \.isWhitespace)
            {
                settings.avatarURL = avatar
            } else {
                fail(line(of: "matrix.avatar_url"), "matrix.avatar_url", "an mxc:// address of at most 255 bytes")
            }
        }
        switch document.messageType {
        case nil, "notice": settings.messageType = "m.notice"
        case "text": settings.messageType = "m.text"
        case let other?:
            fail(
                line(of: "matrix.message_type"),
                "matrix.message_type",
                "'\(other.prefix(40))' is neither notice nor text"
            )
        }
        return settings
    }
}
