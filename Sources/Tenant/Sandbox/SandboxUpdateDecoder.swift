public import Foundation

/// Decodes stored ``SandboxUpdate``s into the neutral model. Sandbox chats are private chats
/// whose id is the person's id.
public struct SandboxUpdateDecoder: UpdateDecoder {
    /// Creates a decoder.
    public init() {}

    public func decode(_ raw: Data, botUsername: String?) throws -> Update {
        let update = try SandboxCoding.decoder.decode(SandboxUpdate.self, from: raw)
        let chat = Chat(id: update.user.id, kind: .private, title: update.user.firstName)
        switch update.kind {
        case .message:
            let text = update.text ?? ""
            let message = Message(
                id: update.messageID, chat: chat, sender: update.user, date: update.date,
                text: update.photo != nil && text.isEmpty ? nil : text,
                command: update.photo == nil ? Command.parse(text, botUsername: botUsername) : nil,
                attachment: update.photo.map { .photo(fileID: $0) })
            return Update(id: update.id, content: .message(message), raw: raw)
        case .buttonPress:
            let botMessage = Message(
                id: update.messageID, chat: chat, sender: nil, date: update.date, text: update.pressedMessageText)
            let query = CallbackQuery(
                id: update.callbackID ?? "\(update.id)", sender: update.user, message: botMessage, data: update.data)
            return Update(id: update.id, content: .callbackQuery(query), raw: raw)
        }
    }
}

/// The sandbox's JSON settings: dates as seconds since 1970, keys as ``SandboxUpdate`` names them.
enum SandboxCoding {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
