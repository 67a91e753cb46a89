import Foundation

/// Finds, writes and removes the manifest files (and secret files) of `bots.d` for the
/// management API, one change at a time: the check that the file is still what the caller last
/// read and the write that replaces it happen in one step of this actor, with no other change
/// between them.
actor ManifestEditor {
    /// A manifest file as it is on disk.
    struct Stored: Sendable {
        /// Its path.
        var file: String
        /// Its bytes.
        var data: Data
        /// The bot it loads as, when it is valid.
        var bot: LoadedBot?

        /// The entity tag of its bytes.
        var entityTag: String { ManifestFiles.entityTag(of: data) }
    }

    /// Why a change was not written.
    enum EditError: Error {
        /// The file changed since the caller read it.
        case changed
        /// Writing failed.
        case write(ManifestFiles.WriteError)
    }

    /// The folder of manifests.
    nonisolated let botsDirectory: String
    /// `<data-dir>/secrets`, absolute.
    nonisolated let secretsDirectory: String
    /// Where the host keeps its data, and bots their databases.
    nonisolated let options: HostOptions
    private let loader: ManifestLoader

    /// An editor of `options`' manifest folder, loading with `loader`.
    init(options: HostOptions, loader: ManifestLoader) {
        botsDirectory = options.botsDirectory
        self.options = options
        let data = URL(fileURLWithPath: options.dataDirectory).standardizedFileURL.path
        secretsDirectory = (data as NSString).appendingPathComponent("secrets")
        self.loader = loader
    }

    /// The secret file of bot `id`: `<data-dir>/secrets/<id>.token`.
    nonisolated func tokenFile(for id: String) -> String {
        (secretsDirectory as NSString).appendingPathComponent("\(id).token")
    }

    /// Every valid manifest of the folder (enabled or not), by id; the folder is read on the
    /// validation thread, off the cooperative pool.
    nonisolated func validBots() async -> [String: LoadedBot] {
        await ManifestLoader.away { self.scanValidBots() }
    }

    private nonisolated func scanValidBots() -> [String: LoadedBot] {
        Dictionary(loader.scan(directory: botsDirectory).bots.map { ($0.manifest.id, $0) }) { first, _ in first }
    }

    /// The manifest of bot `id`: the file of a valid manifest with that id, else `<id>.yaml`
    /// or `<id>.yml` when such a file exists (one that does not load). Read on the validation
    /// thread, off the cooperative pool.
    nonisolated func stored(id: String) async -> Stored? {
        await ManifestLoader.away { self.read(id: id) }
    }

    private nonisolated func read(id: String) -> Stored? {
        let limit = YAMLLimits.manifest.maximumBytes
        if let bot = scanValidBots()[id], let data = ManifestFiles.read(bot.manifest.file, limit: limit) {
            return Stored(file: bot.manifest.file, data: data, bot: bot)
        }
        for suffix in ["yaml", "yml"] {
            let file = (botsDirectory as NSString).appendingPathComponent("\(id).\(suffix)")
            if let data = ManifestFiles.read(file, limit: limit) { return Stored(file: file, data: data, bot: nil) }
        }
        return nil
    }

    /// The file a new bot `id` is written to.
    nonisolated func newFile(for id: String) -> String {
        (botsDirectory as NSString).appendingPathComponent("\(id).yaml")
    }

    /// Writes `text` to `file` when the file's bytes are still `expected` (`nil`: no file yet);
    /// first the token to its secret file (`0600` in a `0700` folder), when there is one.
    func write(_ text: String, to file: String, expected: Data?, secret: (path: String, token: String)?)
        throws(EditError)
    {
        try check(file, expected: expected)
        do {
            if let secret {
                try ManifestFiles.ensureFolder(secretsDirectory, mode: 0o700)
                try ManifestFiles.write(Data((secret.token + "\n").utf8), to: secret.path, mode: 0o600)
            }
            try ManifestFiles.write(Data(text.utf8), to: file)
        } catch {
            throw .write(error)
        }
    }

    /// Removes `file` when its bytes are still `expected` (`nil`: whatever they are), and `secret`.
    func remove(_ file: String, expected: Data?, secret: String) throws(EditError) {
        if let expected { try check(file, expected: expected) }
        do {
            try ManifestFiles.remove(file)
            try ManifestFiles.remove(secret)
        } catch {
            throw .write(error)
        }
    }

    private func check(_ file: String, expected: Data?) throws(EditError) {
        let current = ManifestFiles.read(file, limit: YAMLLimits.manifest.maximumBytes)
        guard current == expected else { throw .changed }
    }
}
