/// A press on an inline button.
public struct CallbackQuery: Sendable, Hashable {
    /// The id to answer the press with.
    public var id: String
    /// Who pressed.
    public var sender: User
    /// The message the button belongs to, when it is still accessible.
    public var message: Message?
    /// The button's callback data.
    public var data: String?

    /// Creates a callback query.
    public init(id: String, sender: User, message: Message?, data: String?) {
        self.id = id
        self.sender = sender
        self.message = message
        self.data = data
    }
}
