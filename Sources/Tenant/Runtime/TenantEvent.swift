/// Something a bot did that the host keeps a record of, in its audit log.
public enum TenantEvent: Sendable, Equatable {
    /// A plugin erased everything the bot stored about a person, and the update (or job) that
    /// asked for it committed; `updateID` is `nil` for a job.
    case personForgotten(userID: Int64, updateID: Int64?)
    /// A plugin read everything the bot stored about a person (``PluginContext/exportPerson(_:)``),
    /// asked by the platform user `by` (an admin), and the update that asked committed.
    case personExported(userID: Int64, by: Int64?, updateID: Int64?)
}
