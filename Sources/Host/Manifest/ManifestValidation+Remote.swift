import Foundation
import Plugins
import Yams

extension ManifestValidation {
    /// Checks what only the host can about a remote plugin: that its host is allowed for the
    /// bot (``RemotePluginPolicy``), and reads its `secret_file` (a regular file of at most
    /// 4 KiB, relative to the manifest's folder, like `token_file`). The secret is never quoted.
    ///
    /// - Returns: The plugin with its secret, or `nil` with the errors recorded.
    mutating func resolve(_ plugin: RemotePlugin, at index: Int, _ entry: Node, brand: String?) -> RemotePlugin? {
        let key = "plugins[\(index)].remote"
        let settings = entry.mapping?.first?.value
        func line(_ name: String) -> Int? { settings?.mapping?[name]?.line ?? entry.line }
        let configuration = plugin.configuration
        if let url = RemoteAddress.parse(configuration.url),
            let refusal = remotePolicy.refusal(of: url, brand: brand, writtenByBrand: source.isBrand)
        {
            fail(line("url"), "\(key).url", refusal)
            return nil
        }
        guard let path = configuration.secretFile else { return plugin }
        // A brand's `secret_file` already has its error (``refuseHostReferences()``); its file is not read.
        guard !source.isBrand else { return nil }
        let folder = (file as NSString).deletingLastPathComponent
        let full = path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
        readOtherFiles = true
        switch TokenFile.read(full) {
        case .success(let text)
        where text.trimmingCharacters(in: .whitespacesAndNewlines).utf8.count
            >= RemoteSecret.minimumBytes:
            return plugin.withSecret(RemoteSecret(text: text), fromFile: full)
        case .success:
            fail(
                line("secret_file"),
                "\(key).secret_file",
                "\(full) holds fewer than \(RemoteSecret.minimumBytes) bytes; put a long random secret in it"
            )
        case .failure(let problem):
            fail(
                line("secret_file"),
                "\(key).secret_file",
                problem.message(for: full).replacingOccurrences(of: "the bot token", with: "the plugin's secret")
            )
        }
        return nil
    }

    /// Refuses a bot whose remote plugins could together hold one update longer than
    /// ``RemoteLimits/botCallBudget``, naming each with its longest wait.
    mutating func checkCombinedWait(of built: [BuiltPlugin], list: Node) {
        let remotes = built.compactMap { ($0.plugin as? RemotePlugin)?.configuration }
        guard let refusal = RemoteConfiguration.combinedWaitRefusal(remotes) else { return }
        fail(list.line, "plugins", refusal)
    }
}
