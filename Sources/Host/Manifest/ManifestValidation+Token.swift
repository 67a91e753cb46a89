import Foundation

extension ManifestValidation {
    /// The token from `token` or from the file `token_file` names, checked for shape.
    ///
    /// - Important: No message may contain the token, not even a wrong one.
    mutating func validatedToken(_ document: ManifestDocument) -> Secret? {
        let token: String
        let key: String
        switch (document.token, document.tokenFile) {
        case (.some, .some):
            fail(line(of: "token_file"), "token_file", "set either token or token_file, not both")
            return nil
        case (.some(let value), nil):
            (token, key) = (value, "token")
        case (nil, .some(let path)):
            guard let value = readTokenFile(path) else { return nil }
            (token, key) = (value, "token_file")
        case (nil, nil):
            if !hasFailed(at: "token") && !hasFailed(at: "token_file") {
                fail(nil, "token", "a telegram bot needs a token; set token: ${VARIABLE} or token_file: path")
            }
            return nil
        }
        guard Self.looksLikeToken(token) else {
            let source = key == "token" ? "this" : "the file's content"
            fail(
                line(of: key),
                key,
                "\(source) does not look like a Bot API token (<digits>:<35 or more of A-Z, a-z, 0-9, _ and ->, "
                    + "as @BotFather gives it)"
            )
            return nil
        }
        return Secret(value: token)
    }

    private mutating func readTokenFile(_ path: String) -> String? {
        if case .brandOwned(let own) = source, path == own {
            // The bot's own secret file, written by the API: read like the host's.
        } else if source.isBrand {
            fail(
                line(of: "token_file"),
                "token_file",
                "brand callers cannot use token_file: the host's files are not theirs to read; "
                    + "write token: with the token itself, or ask the host's admin to validate"
            )
            return nil
        }
        let folder = (file as NSString).deletingLastPathComponent
        let full = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        let text: String
        switch TokenFile.read(full) {
        case .success(let content):
            text = content
        case .failure(let problem):
            fail(line(of: "token_file"), "token_file", problem.message(for: full))
            return nil
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if token.isEmpty {
            fail(line(of: "token_file"), "token_file", "\(full) is empty; put the bot token in it")
            return nil
        }
        return token
    }

    /// Whether an error was already recorded for `key`, so that a missing value is not reported twice.
    private func hasFailed(at key: String) -> Bool {
        errors.contains { $0.key == key }
    }
}
