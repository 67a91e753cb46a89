import Foundation
import Testing
@testable import Tenant

/// The outbox's JSON form of actions: rows written by an older host still send.
@Suite("Outbox payloads")
struct OutgoingActionCodingTests {
    @Test("every kind of action survives the round trip through the outbox")
    func roundTrip() throws {
        let buttons = [[InlineButton.callback("Like", data: "like")]]
        for action in [
            OutgoingAction.send(OutgoingMessage(chatID: 1, text: "hi", buttons: buttons, photo: "file-1")),
            .edit(MessageEdit(chatID: 1, messageID: 2, text: "new", parseMode: .html)),
            .edit(.caption(chatID: 1, messageID: 3, text: "caption", buttons: buttons)),
            .editButtons(ButtonsEdit(chatID: 1, messageID: 4)),
            .answerCallback(CallbackAnswer(chatID: 1, callbackID: "q", text: "ok")),
        ] {
            #expect(try OutboxCoding.decode(try OutboxCoding.encode(action)) == action)
        }
    }

    @Test("an edit stored before captions could be edited decodes as a text edit")
    func editWithoutCaptionFlag() throws {
        let edit = MessageEdit(chatID: 1, messageID: 2, text: "new")
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(try OutboxCoding.encode(.edit(edit)).utf8)) as? [String: Any])
        var wrapper = try #require(object["edit"] as? [String: Any])
        var fields = try #require(wrapper["_0"] as? [String: Any])
        #expect(fields.removeValue(forKey: "isCaption") as? Bool == false)
        wrapper["_0"] = fields
        object["edit"] = wrapper
        let old = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(try OutboxCoding.decode(old) == .edit(edit))
    }
}
