import Plugins

/// What `aviary check` warns about in a valid manifest: settings that load but will not work as
/// meant. Warnings never change the exit code.
///
/// - A token that has the shape of a Bot API token but is a placeholder (``PlaceholderToken``):
///   the shipped examples' fallbacks when their variable is unset, `123456:CHANGE_ME…`.
/// - A live (not `offline`) companion whose `api_key_env` names a variable that is unset or
///   empty here: every model call would fail and the companion would answer with its fallback.
///
/// - Important: No warning quotes a token or an environment variable's value.
enum CheckWarnings {
    /// The warnings for one bot, as `file: warning: key: message` lines.
    static func lines(for bot: LoadedBot, environment: [String: String]) -> [String] {
        let manifest = bot.manifest
        let file = manifest.file
        var lines: [String] = []
        if let token = manifest.token, let reason = PlaceholderToken.reason(token.value) {
            lines.append(
                "\(file): warning: token: \(manifest.shown.token?.description ?? "") looks like a placeholder "
                    + "(\(reason)); set the token @BotFather gave you")
        }
        for (index, plugin) in bot.plugins.enumerated() {
            guard let companion = plugin as? CompanionPlugin, !companion.configuration.isOffline,
                let name = companion.configuration.apiKeyEnv, environment[name]?.isEmpty != false
            else { continue }
            lines.append(
                "\(file): warning: plugins[\(index)].companion.api_key_env: \(name) is not set here; every model "
                    + "call will fail and the companion will answer with its fallback until it is")
        }
        return lines
    }
}
