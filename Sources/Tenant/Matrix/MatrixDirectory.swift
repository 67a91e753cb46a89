/// The host's table of Matrix names: the numbers the neutral model uses for Matrix's string
/// ids (rooms, people, events), and the numbered buttons each bot last showed in a room.
public protocol MatrixDirectory: Sendable {
    /// The number standing for `name`, made the first time it is asked for; always the same after.
    func number(for name: String) throws -> Int64
    /// The name a number stands for, if it was made.
    func name(for number: Int64) throws -> String?
    /// Records the buttons of the message `event` that `bot` sent in `room`; a press answers them.
    /// No buttons forgets the room's buttons.
    func rememberButtons(bot: String, room: String, event: String, buttons: [MatrixButton]) throws
    /// The buttons `bot` last showed in `room`, with the event that shows them.
    func buttons(bot: String, room: String) throws -> (event: String, buttons: [MatrixButton])?
    /// Records that `room` was replaced by `replacement` (its `m.room.tombstone`).
    func recordMove(of room: String, to replacement: String) throws
    /// The room that replaced `room`, if a tombstone named one.
    func replacement(of room: String) throws -> String?
}

/// One numbered button of a bot's message.
public struct MatrixButton: Sendable, Codable, Equatable {
    /// The label shown.
    public var label: String
    /// The callback data a press sends back.
    public var data: String
    /// The event id of the number reaction the bot added for it, once added.
    public var reaction: String?

    /// Creates a button.
    public init(label: String, data: String, reaction: String? = nil) {
        self.label = label
        self.data = data
        self.reaction = reaction
    }

    /// The reaction keys the bot adds under a message, one per button: 1️⃣ to 🔟.
    public static let keys = (1...9).map { "\($0)\u{FE0F}\u{20E3}" } + ["\u{1F51F}"]
}
