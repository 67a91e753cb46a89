import Foundation
import Testing
@testable import Tenant

/// The decoder's mapping rules on small hand-written updates, beside the real-schema fixtures.
@Suite("Telegram decoder")
struct TelegramDecoderTests {
    static let alice = #"{"id":77,"is_bot":false,"first_name":"Alice"}"#
    static let privateChat = #"{"id":77,"type":"private","first_name":"Alice"}"#
    static let channel = #"{"id":-1001,"type":"channel","title":"News"}"#

    static func decode(_ json: String, botUsername: String? = "my_bot") throws -> Update {
        try TelegramUpdateDecoder().decode(Data(json.utf8), botUsername: botUsername)
    }

    static func message(_ fields: String, chat: String = privateChat) -> String {
        #"{"update_id":1,"message":{"message_id":5,"date":1700000000,"chat":\#(chat),"from":\#(Self.alice),\#(fields)}}"#
    }

    @Test("a command addressed to this bot is read from the text, and from a caption")
    func commands() throws {
        let text = try #require(try Self.decode(Self.message(#""text":"/start@My_Bot ref42""#)).message)
        #expect(text.command == Command(name: "start", mention: "My_Bot", arguments: "ref42"))
        #expect(text.date == Date(timeIntervalSince1970: 1_700_000_000))

        let caption = try #require(
            try Self.decode(Self.message(#""caption":"/rate 5","photo":[{"file_id":"p1","width":1,"height":1}]"#))
                .message
        )
        #expect(caption.text == "/rate 5")
        #expect(caption.command == Command(name: "rate", arguments: "5"))

        let other = try #require(try Self.decode(Self.message(#""text":"/start@other_bot""#)).message)
        #expect(other.command == nil)
        #expect(other.text == "/start@other_bot")
    }

    @Test("the largest photo wins; without dimensions, the last one listed")
    func photoSizes() throws {
        let sized = try Self.decode(
            Self.message(
                #"""
                "photo":[{"file_id":"small","width":90,"height":90},{"file_id":"big","width":800,"height":600},\#
                {"file_id":"mid","width":320,"height":240}]
                """#
            )
        )
        #expect(sized.message?.attachment == .photo(fileID: "big"))
        let bare = try Self.decode(Self.message(#""photo":[{"file_id":"first"},{"file_id":"last"}]"#))
        #expect(bare.message?.attachment == .photo(fileID: "last"))
    }

    @Test("documents, other media and replies map onto the model")
    func media() throws {
        let document = try Self.decode(
            Self.message(#""document":{"file_id":"d1","file_name":"cv.pdf","mime_type":"x"}"#)
        )
        #expect(document.message?.attachment == .document(fileID: "d1", fileName: "cv.pdf"))
        let voice = try Self.decode(Self.message(#""voice":{"file_id":"v1","duration":3}"#))
        #expect(voice.message?.attachment == .other("voice"))
        #expect(voice.message?.text == nil)
        let reply = try Self.decode(
            Self.message(#""text":"yes","reply_to_message":{"message_id":4,"date":1,"chat":\#(Self.privateChat)}"#)
        )
        #expect(reply.message?.replyToMessageID == 4)
    }

    @Test("channel posts are messages, their edits edited messages; both without a sender")
    func channelPosts() throws {
        let post = try Self.decode(
            #"{"update_id":2,"channel_post":{"message_id":1,"date":1,"chat":\#(Self.channel),"text":"hi"}}"#
        )
        #expect(post.message?.chat == Chat(id: -1001, kind: .channel, title: "News"))
        #expect(post.message?.sender == nil)
        let edit = try Self.decode(
            #"{"update_id":3,"edited_channel_post":{"message_id":1,"date":1,"chat":\#(Self.channel),"text":"hey"}}"#
        )
        guard case .editedMessage(let edited) = edit.content else {
            Issue.record("expected an edited message, got \(edit.content)")
            return
        }
        #expect(edited.text == "hey")
    }

    @Test("chat_member is a member change that does not concern the bot")
    func chatMember() throws {
        let update = try Self.decode(
            #"""
            {"update_id":4,"chat_member":{"chat":\#(Self.channel),"from":\#(Self.alice),"date":1,\#
            "old_chat_member":{"status":"left","user":{"id":9,"is_bot":false,"first_name":"Bob"}},\#
            "new_chat_member":{"status":"member","user":{"id":9,"is_bot":false,"first_name":"Bob"}}}}
            """#
        )
        guard case .memberChange(let change) = update.content else {
            Issue.record("expected a member change, got \(update.content)")
            return
        }
        #expect(!change.concernsBot)
        #expect(change.member.firstName == "Bob")
        #expect(change.actor.firstName == "Alice")
        #expect((change.oldStatus, change.newStatus) == ("left", "member"))
    }

    @Test(
        "the lane is the chat, else the sender, else the user, else 0",
        arguments: [
            (
                #"{"update_id":1,"callback_query":{"id":"q","from":\#(Self.alice),"chat_instance":"1","inline_message_id":"i"}}"#,
                Int64(77)
            ),
            (
                #"{"update_id":1,"poll_answer":{"poll_id":"p","user":{"id":55,"is_bot":false,"first_name":"U"},"option_ids":[0]}}"#,
                55
            ),
            (#"{"update_id":1,"inline_query":{"id":"q","from":\#(Self.alice),"query":"","offset":""}}"#, 77),
            (#"{"update_id":1,"poll":{"id":"p","question":"?","options":[]}}"#, 0),
            (#"{"update_id":1,"message_reaction":{"chat":\#(Self.channel),"message_id":1,"date":1}}"#, -1001),
        ] as [(String, Int64)]
    )
    func lanes(json: String, lane: Int64) throws {
        #expect(try TelegramUpdateDecoder.envelope(of: Data(json.utf8)).lane == lane)
        _ = try Self.decode(json)
    }

    @Test("an inline-mode button press has no message; its sender is still known")
    func inlineCallback() throws {
        let update = try Self.decode(
            #"{"update_id":1,"callback_query":{"id":"q","from":\#(Self.alice),"chat_instance":"1","inline_message_id":"i","data":"d"}}"#
        )
        let query = try #require(update.callbackQuery)
        #expect(query.message == nil)
        #expect(query.data == "d")
        #expect(update.sender?.id == 77)
    }

    @Test(
        "what is not an update fails with a decoding error naming the problem",
        arguments: [
            #"{"message":{}}"#, #"[1,2]"#, #"{"update_id":"one","message":{}}"#, "not json",
        ]
    )
    func malformed(json: String) {
        #expect(throws: DecodingError.self) { try TelegramUpdateDecoder.envelope(of: Data(json.utf8)) }
        #expect(throws: DecodingError.self) { try Self.decode(json) }
    }

    @Test("a known type whose payload lacks a required field fails, and says which")
    func missingChat() {
        #expect {
            try Self.decode(#"{"update_id":1,"message":{"message_id":1,"date":1}}"#)
        } throws: { error in
            "\(error)".contains("chat")
        }
    }
}
