import Foundation
import Hummingbird
import Tenant

/// The person a sandbox request acts as: `user_id`, and optionally their name and language.
protocol SandboxPersonRequest: Decodable {
    var userId: Int64 { get }
    var firstName: String? { get }
    var languageCode: String? { get }
}

extension SandboxPersonRequest {
    /// The person as the request names them: a name or language it leaves out is the one they
    /// last presented to the bot (`User <id>` for someone new).
    var person: SandboxPerson { SandboxPerson(id: userId, firstName: firstName, languageCode: languageCode) }

    /// Refuses a user id outside ``SandboxLimits/userIDs``, a first name of more than 64
    /// characters and a language code that is not a short language tag, naming the field.
    func validatePerson() throws {
        try SandboxInput.userID(userId)
        if let firstName {
            let length = firstName.unicodeScalars.count
            guard (1...SandboxLimits.firstNameLength).contains(length) else {
                throw Problem.badRequest(
                    "first_name must hold 1 to \(SandboxLimits.firstNameLength) characters, not \(length)")
            }
        }
        if let languageCode {
            let scalars = languageCode.unicodeScalars
            guard (1...SandboxLimits.languageCodeLength).contains(scalars.count),
                scalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") })
            else {
                throw Problem.badRequest(
                    "language_code must be a language tag of 1 to \(SandboxLimits.languageCodeLength) letters, "
                        + "digits and '-', such as en or pt-BR")
            }
        }
    }
}

/// Checks of the numbers and words a sandbox request carries, each naming its field.
enum SandboxInput {
    /// Refuses a user id outside ``SandboxLimits/userIDs``.
    static func userID(_ id: Int64) throws {
        try within(SandboxLimits.userIDs, id, "user_id")
    }

    /// Refuses `value` outside `range`, naming `field`.
    static func within(_ range: ClosedRange<Int64>, _ value: Int64, _ field: String) throws {
        guard range.contains(value) else {
            throw Problem.badRequest("\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
    }
}

/// `POST …/sandbox/messages`: a person writes to a sandbox bot.
struct SandboxMessageRequest: SandboxPersonRequest {
    var userId: Int64
    var firstName: String?
    var languageCode: String?
    /// The text, or a photo's caption (may then be empty).
    var text: String
    /// A made-up file id for a photo the person sends.
    var photo: String?

    init(userId: Int64, firstName: String?, languageCode: String? = nil, text: String, photo: String? = nil) {
        self.userId = userId
        self.firstName = firstName
        self.languageCode = languageCode
        self.text = text
        self.photo = photo
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userId = try container.decode(Int64.self, forKey: .userId)
        firstName = try container.decodeUnlessAbsent(String.self, forKey: .firstName)
        languageCode = try container.decodeUnlessAbsent(String.self, forKey: .languageCode)
        photo = try container.decodeUnlessAbsent(String.self, forKey: .photo)
        text = try photo == nil
            ? container.decode(String.self, forKey: .text)
            : container.decodeUnlessAbsent(String.self, forKey: .text) ?? ""
    }

    enum CodingKeys: String, CodingKey { case userId, firstName, languageCode, text, photo }

    func validate() throws {
        try validatePerson()
        if let photo {
            guard (1...128).contains(photo.count), photo.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                throw Problem.badRequest("photo must be a file id of 1 to 128 letters, digits, _ and -")
            }
            try MessageTextLimit.message.check(text, field: "text (the photo's caption)")
            return
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw Problem.badRequest("text must hold 1 to 4096 characters that are not all white space")
        }
        try MessageTextLimit.message.check(text, field: "text")
    }
}

/// `POST …/sandbox/presses`: a person presses an inline button.
struct SandboxPressRequest: SandboxPersonRequest {
    var userId: Int64
    var firstName: String?
    var languageCode: String?
    var messageId: Int64
    var data: String

    init(userId: Int64, firstName: String?, languageCode: String? = nil, messageId: Int64, data: String) {
        self.userId = userId
        self.firstName = firstName
        self.languageCode = languageCode
        self.messageId = messageId
        self.data = data
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userId = try container.decode(Int64.self, forKey: .userId)
        firstName = try container.decodeUnlessAbsent(String.self, forKey: .firstName)
        languageCode = try container.decodeUnlessAbsent(String.self, forKey: .languageCode)
        messageId = try container.decode(Int64.self, forKey: .messageId)
        data = try container.decode(String.self, forKey: .data)
    }

    enum CodingKeys: String, CodingKey { case userId, firstName, languageCode, messageId, data }

    func validate() throws {
        try validatePerson()
        try SandboxInput.within(SandboxLimits.messageIDs, messageId, "message_id")
        guard (1...SandboxLimits.callbackDataLength).contains(data.unicodeScalars.count) else {
            throw Problem.badRequest("data must hold 1 to \(SandboxLimits.callbackDataLength) characters")
        }
    }
}

/// The update a sandbox action became; with `?wait`, the bot's answer too.
struct SandboxAcceptedView: ResponseEncodable {
    var updateId: Int64
    /// Whether the bot handled everything and sent every reply within `wait` (with `?wait` only).
    var answered: Bool?
    /// What changed in the conversation since just before the action (with `?wait` only).
    var messages: [SandboxConversationView.Message]?
    /// The revision to ask `after` next (with `?wait` only).
    var revision: Int64?
}

/// A sandbox conversation's messages that changed after `after`.
struct SandboxConversationView: ResponseEncodable {
    struct Message: Encodable {
        struct Button: Encodable {
            var text: String
            var data: String?
            var url: String?
        }

        var id: Int64
        var from: String
        var text: String
        var parseMode: String?
        var buttons: [[Button]]
        var edited: Bool
        var date: Date
        var notice: String?
        var revision: Int64
        var photo: String?
    }

    var messages: [Message]
    /// The revision to ask `after` next time.
    var revision: Int64

    init(messages: [SandboxMessage], after: Int64) {
        self.messages = messages.map { message in
            Message(
                id: message.id, from: message.from.rawValue, text: message.text, parseMode: message.parseMode,
                buttons: message.buttons.map { row in
                    row.map { button in
                        switch button.action {
                        case .callback(let data): Message.Button(text: button.text, data: data)
                        case .url(let url): Message.Button(text: button.text, url: url)
                        }
                    }
                },
                edited: message.edited, date: message.date, notice: message.notice, revision: message.revision,
                photo: message.photo)
        }
        revision = messages.map(\.revision).max() ?? after
    }
}
