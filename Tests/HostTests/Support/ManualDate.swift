import Foundation
import Synchronization

/// A wall clock that moves only when the test says so, for code that reads the time through a
/// `() -> Date` provider.
final class ManualDate: Sendable {
    private let date: Mutex<Date>

    /// A clock at `start`.
    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        date = Mutex(start)
    }

    /// The time now.
    var now: Date { date.withLock { $0 } }

    /// Moves the time forward by `seconds`.
    func advance(by seconds: TimeInterval) {
        date.withLock { $0 += seconds }
    }
}
