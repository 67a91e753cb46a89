import Foundation

/// The host config's `matrix:` section: the one application service through which every
/// Matrix bot of the host acts.
///
/// ```yaml
/// matrix:
///   id: aviary                                  # the service's id in the registration
///   homeserver_url: http://127.0.0.1:8008       # the homeserver's client-server API
///   server_name: example.org                    # the part after ':' in user ids
///   as_token_file: /run/secrets/matrix-as       # the token Aviary calls the homeserver with
///   hs_token_file: /run/secrets/matrix-hs       # the token the homeserver calls Aviary with
///   user_prefix: aviary_                         # the namespace: @aviary_…:example.org
///   url: http://127.0.0.1:8080                  # where the homeserver reaches this host
/// ```
struct MatrixConfig: Sendable, Equatable {
    /// The service's id (`[a-z0-9_-]`, 1–64).
    var id: String
    /// The homeserver's client-server API.
    var homeserver: URL
    /// The homeserver's name.
    var serverName: String
    /// The application service token (Aviary → homeserver).
    var asToken: String
    /// The homeserver token (homeserver → Aviary), checked on every transaction.
    var hsToken: String
    /// The localpart prefix of the bots' users.
    var userPrefix: String
    /// Where the homeserver pushes transactions.
    var url: URL

    /// The section as written.
    struct Document: Decodable, Equatable, Sendable {
        var id: String?
        var homeserver_url: String?
        var server_name: String?
        var as_token_file: String?
        var hs_token_file: String?
        var user_prefix: String?
        var url: String?
    }

    /// The shortest token accepted.
    static let shortestToken = 16

    /// The checked section.
    ///
    /// - Throws: ``HostConfigError`` whose message starts with the key at fault (`matrix.url: …`).
    static func make(_ document: Document) throws(HostConfigError) -> MatrixConfig {
        let id = try required(document.id, "matrix.id")
        guard id.count <= 64, id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "_-".contains($0)) })
        else { throw HostConfigError(message: "matrix.id: 1 to 64 of a-z, 0-9, '_' and '-'") }
        let serverName = try required(document.server_name, "matrix.server_name")
        guard serverName.count <= 255, serverName.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw HostConfigError(message: "matrix.server_name: a host name (example.org or localhost:8448)")
        }
        let prefix = try required(document.user_prefix, "matrix.user_prefix")
        guard prefix.count <= 32, prefix.allSatisfy({ MatrixLocalpart.isAllowed($0) }) else {
            throw HostConfigError(message: "matrix.user_prefix: 1 to 32 of a-z, 0-9, '.', '_', '=', '-' and '/'")
        }
        return MatrixConfig(
            id: id,
            homeserver: try address(document.homeserver_url, "matrix.homeserver_url"),
            serverName: serverName,
            asToken: try token(document.as_token_file, "matrix.as_token_file"),
            hsToken: try token(document.hs_token_file, "matrix.hs_token_file"),
            userPrefix: prefix,
            url: try address(document.url, "matrix.url")
        )
    }

    /// Whether `userID` is in the service's namespace (one of the host's bots, running or not).
    func owns(_ userID: String) -> Bool {
        userID.hasPrefix("@" + userPrefix) && userID.hasSuffix(":" + serverName)
    }

    /// The registration file the homeserver loads (`app_service_config_files`), as YAML.
    var registrationYAML: String {
        let pattern =
            "@" + NSRegularExpression.escapedPattern(for: userPrefix) + ".*:"
            + NSRegularExpression.escapedPattern(for: serverName)
        return """
            # The application service of Aviary's Matrix bots; load it in the homeserver's
            # app_service_config_files. It holds both tokens: keep it as secret as they are.
            id: \(id)
            url: "\(url.absoluteString)"
            as_token: "\(asToken)"
            hs_token: "\(hsToken)"
            sender_localpart: "\(userPrefix)host"
            rate_limited: false
            io.element.msc4190: true
            namespaces:
              users:
                - exclusive: true
                  regex: '\(pattern)'
              rooms: []
              aliases: []

            """
    }

    private static func required(_ value: String?, _ key: String) throws(HostConfigError) -> String {
        guard let value, !value.isEmpty else { throw HostConfigError(message: "\(key): missing") }
        return value
    }

    private static func address(_ value: String?, _ key: String) throws(HostConfigError) -> URL {
        let text = try required(value, key)
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
            url.query == nil, url.user == nil
        else { throw HostConfigError(message: "\(key): '\(text.prefix(80))' is not an http(s) address") }
        return url
    }

    private static func token(_ path: String?, _ key: String) throws(HostConfigError) -> String {
        let file = try required(path, key)
        let text: String
        switch TokenFile.read(file) {
        case .success(let read): text = read.trimmingCharacters(in: .whitespacesAndNewlines)
        case .failure(let problem): throw HostConfigError(message: "\(key): \(problem.message(for: file))")
        }
        guard text.count >= shortestToken, text.count <= 512,
            text.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "\"" && $0 != "'" && $0 != "\\" })
        else {
            throw HostConfigError(
                message: "\(key): the token must be \(shortestToken) to 512 printable ASCII characters without "
                    + "spaces or quotes; use a long random value"
            )
        }
        return text
    }
}

/// The characters of a Matrix localpart (a-z, 0-9, `.`, `_`, `=`, `-`, `/`).
enum MatrixLocalpart {
    /// Whether `character` may appear in a localpart.
    static func isAllowed(_ character: Character) -> Bool {
        character.isASCII && (character.isLowercase || character.isNumber || "._=-/".contains(character))
    }
}
