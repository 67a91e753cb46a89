/// An error raised while opening or preparing a bot's database.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, with the path involved and what to do about it.
    public let description: String

    /// Creates an error with a complete, human-readable message.
    public init(_ description: String) {
        self.description = description
    }
}
