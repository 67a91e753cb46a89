import Tenant

/// A secret such as a bot token: compared by value, never printed.
///
/// `description`, `debugDescription` and string interpolation all show `123456:***`; only
/// ``value`` gives the secret itself, for the platform client.
struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret itself; never log it.
    let value: String

    /// Wraps a secret.
    init(value: String) {
        self.value = value
    }

    /// The masked form, `123456:***`.
    var description: String { maskedToken(value) }

    /// The masked form, `123456:***`, also in debug output.
    var debugDescription: String { description }
}
