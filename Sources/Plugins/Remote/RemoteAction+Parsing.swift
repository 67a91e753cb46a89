import Foundation
import Tenant

extension RemoteAction {
    /// Parses one action: an object whose `kind` is one of ``RemoteAnswer/actionKinds``.
    init(parsing field: Field, now: Date) throws(RemoteAnswerError) {
        let kind = try field.object(keys: nil).required("kind").string()
        switch kind {
        case "send":
            let object = try field.object(keys: ["kind", "chat_id", "text", "parse_mode", "buttons", "photo"])
            var message = OutgoingMessage(
                chatID: try object.required("chat_id").integer(),
                text: try Self.text(object),
                parseMode: try Self.parseMode(object),
                buttons: try Self.buttons(object)
            )
            message.photo = try object.optional("photo")?.text(max: 256)
            self = .send(message)
        case "reply":
            let object = try field.object(keys: ["kind", "text", "parse_mode", "buttons", "quote"])
            self = .reply(
                text: try Self.text(object),
                parseMode: try Self.parseMode(object),
                buttons: try Self.buttons(object),
                quote: try object.optional("quote")?.bool() ?? false
            )
        case "edit":
            let object = try field.object(
                keys: ["kind", "chat_id", "message_id", "text", "parse_mode", "buttons", "caption"])
            let chatID = try object.optional("chat_id")?.integer()
            let (messageID, text) = (try object.required("message_id").integer(), try Self.text(object))
            let (parseMode, buttons) = (try Self.parseMode(object), try Self.buttons(object))
            let edit =
                try object.optional("caption")?.bool() == true
                ? MessageEdit.caption(
                    chatID: chatID ?? 0,
                    messageID: messageID,
                    text: text,
                    parseMode: parseMode,
                    buttons: buttons
                )
                : MessageEdit(
                    chatID: chatID ?? 0,
                    messageID: messageID,
                    text: text,
                    parseMode: parseMode,
                    buttons: buttons
                )
            self = .edit(edit, chatGiven: chatID != nil)
        case "edit_buttons":
            let object = try field.object(keys: ["kind", "chat_id", "message_id", "buttons"])
            let chatID = try object.optional("chat_id")?.integer()
            let edit = ButtonsEdit(
                chatID: chatID ?? 0,
                messageID: try object.required("message_id").integer(),
                buttons: try Self.buttons(object)
            )
            self = .editButtons(edit, chatGiven: chatID != nil)
        case "answer_callback":
            let object = try field.object(keys: ["kind", "text", "show_alert"])
            self = .answerCallback(
                text: try object.optional("text")?.text(max: 200),
                showAlert: try object.optional("show_alert")?.bool() ?? false
            )
        case "schedule":
            let object = try field.object(keys: ["kind", "key", "at", "chat_id", "payload"])
            let key = try Self.key(object)
            let at = try object.required("at")
            let seconds = try at.number()
            guard seconds <= now.timeIntervalSince1970 + RemoteLimits.scheduleHorizon else {
                throw at.error("more than \(Int(RemoteLimits.scheduleHorizon / 86_400)) days ahead")
            }
            let payload = try object.optional("payload")?.string() ?? ""
            guard payload.utf8.count <= RemoteLimits.payloadBytes else {
                throw RemoteAnswerError(
                    path: "\(field.path).payload",
                    message: "over \(RemoteLimits.payloadBytes) bytes"
                )
            }
            self = .schedule(
                key: key,
                at: Date(timeIntervalSince1970: max(0, seconds)),
                chatID: try object.optional("chat_id")?.integer(),
                payload: payload
            )
        case "cancel_schedule":
            let object = try field.object(keys: ["kind", "key", "chat_id"])
            self = .cancelSchedule(key: try Self.key(object), chatID: try object.optional("chat_id")?.integer())
        default:
            throw RemoteAnswerError(
                path: "\(field.path).kind",
                message: "unknown action kind '\(kind.prefix(40))' (version 1 knows: "
                    + RemoteAnswer.actionKinds.joined(separator: ", ") + ")"
            )
        }
    }

    private static func text(_ object: FieldObject) throws(RemoteAnswerError) -> String {
        let text = try object.required("text").text(max: RemoteLimits.textCharacters)
        guard !text.allSatisfy(\.isWhitespace) else {
            throw RemoteAnswerError(path: "\(object.path).text", message: "empty; the platform sends no empty text")
        }
        return text
    }

    private static func key(_ object: FieldObject) throws(RemoteAnswerError) -> String {
        let key = try object.required("key")
        let text = try key.string()
        try Field.checkKey(text, path: key.path)
        return text
    }

    private static func parseMode(_ object: FieldObject) throws(RemoteAnswerError) -> ParseMode? {
        guard let field = object.optional("parse_mode") else { return nil }
        let name = try field.string()
        guard let mode = ParseMode(rawValue: name) else {
            throw field.error("expected 'HTML' or 'MarkdownV2', found '\(name.prefix(40))'")
        }
        return mode
    }

    private static func buttons(_ object: FieldObject) throws(RemoteAnswerError) -> [[InlineButton]] {
        guard let rows = try object.optional("buttons")?.array(max: RemoteLimits.buttonRows) else { return [] }
        return try rows.map { row throws(RemoteAnswerError) in
            try row.array(max: RemoteLimits.buttonsPerRow).map { item throws(RemoteAnswerError) in
                let button = try item.object(keys: ["text", "callback_data", "url"])
                let text = try button.required("text").text(max: RemoteLimits.buttonTextCharacters)
                switch (button.optional("callback_data"), button.optional("url")) {
                case (let data?, nil):
                    let value = try data.string()
                    guard (1...RemoteLimits.callbackDataBytes).contains(value.utf8.count) else {
                        throw data.error("callback data has 1 to \(RemoteLimits.callbackDataBytes) bytes")
                    }
                    return .callback(text, data: value)
                case (nil, let url?):
                    let value = try url.text(max: 2048)
                    guard RemoteAddress.parse(value) != nil else { throw url.error("expected an http(s) address") }
                    return .url(text, url: value)
                default:
                    throw item.error("a button has callback_data or url, one of them")
                }
            }
        }
    }
}
