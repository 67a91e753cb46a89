import Foundation

/// The JSON form of an ``OutgoingAction`` in the outbox's `payload` column.
enum OutboxCoding {
    static func encode(_ action: OutgoingAction) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(action), as: UTF8.self)
    }

    static func decode(_ payload: String) throws -> OutgoingAction {
        try JSONDecoder().decode(OutgoingAction.self, from: Data(payload.utf8))
    }
}
