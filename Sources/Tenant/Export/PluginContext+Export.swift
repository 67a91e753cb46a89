extension PluginContext {
    /// Everything the bot holds about a person (``PersonExport``): the host's rows and every
    /// plugin's, read now in one read transaction. For an admin's "what do you hold about X".
    ///
    /// Once the update commits, the host records the export in its audit log, naming the
    /// update's sender as the one who asked (`person.exported`, actor `admin:<id>`).
    public func exportPerson(_ userID: Int64) async throws -> PersonExport {
        let (bot, plugins, date) = (bot, plugins, now)
        let export = try await storage.read { db in
            try PersonExport.read(userID: userID, bot: bot, plugins: plugins, at: date, in: db)
        }
        effects.noteExported(userID: userID, by: update.sender?.id)
        return export
    }
}
