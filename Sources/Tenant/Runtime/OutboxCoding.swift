import Foundation
public import Storage

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

extension OutboxRecord {
    /// The text of the message this row sends or edits to; `nil` for a button answer or an
    /// unreadable payload.
    public var messageText: String? {
        switch try? OutboxCoding.decode(payload) {
        case .send(let message): message.text
        case .edit(let edit): edit.text
        case .editButtons, .answerCallback, nil: nil
        }
    }
}
