import Foundation
import PropertyBased
import Testing
@testable import Tenant

/// A transaction body comes from the homeserver, or from anyone who learned the `hs_token`: the
/// parser meets deep nesting, huge arrays, fields of the wrong type, event types it never heard
/// of and ids repeated. Each case is a class of input; every member returns or throws
/// ``MatrixEventError``, none traps, and what it returns keeps the parser's bounds.
@Suite("Matrix transaction parsing as hostile input", .timeLimit(.minutes(5)))
struct MatrixTransactionParserHostileInputTests {
    /// A person's text message.
    static func message(_ id: String, type: String = "m.room.message") -> [String: Any] {
        [
            "event_id": id, "room_id": "!room:localhost", "sender": "@ann:localhost", "type": type,
            "origin_server_ts": 1_700_000_000_000, "content": ["msgtype": "m.text", "body": "hi"],
        ]
    }

    static func body(_ events: [Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: ["events": events])
    }

    /// Parses `body`: the events and skipped count, or `nil` when it threw ``MatrixEventError``.
    /// Any other error fails the test.
    static func parse(_ body: Data) -> (events: [MatrixEvent], skipped: Int)? {
        do {
            return try MatrixTransactionParser.events(in: body)
        } catch is MatrixEventError {
            return nil
        } catch {
            Issue.record("threw \(type(of: error)): \(error)")
            return nil
        }
    }

    /// The bounds every parsed event keeps.
    static func expectBounded(_ event: MatrixEvent) {
        for value in [event.eventID, event.roomID, event.sender, event.type] {
            #expect((1...MatrixTransactionParser.maximumIDLength).contains(value.utf8.count))
            #expect(!value.unicodeScalars.contains { $0.properties.generalCategory == .control })
        }
        #expect((event.body?.utf8.count ?? 0) <= MatrixTransactionParser.maximumBodyLength)
        #expect(abs(event.timestamp) < 1_000_000_000_000_000)
    }

    @Test("nesting 1 to 20,000 deep, at the root, in events, in content and in relations: no trap")
    func deepNesting() async {
        let openers = ["[", "{\"a\":", "{\"m.relates_to\":", "[{\"content\":"]
        let places = [
            #"{"events":"#,
            #"{"events":["#,
            #"{"events":[{"event_id":"$e","room_id":"!r:x","sender":"@a:x","type":"m.room.message","content":"#,
            #"{"events":[{"event_id":"$e","room_id":"!r:x","sender":"@a:x","type":"m.reaction","content":{"m.relates_to":"#,
        ]
        await propertyCheck(
            count: 300,
            input: Gen.int(in: 1...20_000),
            Gen.element(of: openers),
            Gen.element(of: places),
            Gen.bool
        ) { depth, opener, place, closed in
            let opener = opener ?? "["
            var text = (place ?? "") + String(repeating: opener, count: depth) + "1"
            if closed {
                // Closed, the nesting is valid JSON (the transaction around it is left open).
                let closer = opener.hasPrefix("[{") ? "}]" : opener.hasPrefix("[") ? "]" : "}"
                text += String(repeating: closer, count: depth)
            }
            if let parsed = Self.parse(Data(text.utf8)) {
                parsed.events.forEach(Self.expectBounded)
            }
        }
    }

    @Test("arrays of 0 to 3,000 events, good and bad mixed: over 1,000 refused, else every one counted")
    func hugeArrays() async {
        // Each item as JSON text: a good event, a value that is no object, an object without fields.
        let item = Gen.oneOf(
            Gen.int(in: 0...1_000_000).map { Self.json(Self.message("$e\($0)")) },
            Gen.element(of: ["42", "\"text\"", "null", "[1,2]"]).map { $0 ?? "null" },
            Gen.int(in: 0...1_000_000).map { "{\"event_id\":\"$e\($0)\"}" }
        )
        await propertyCheck(count: 60, input: Gen.int(in: 0...3_000), item) { count, sample in
            let text = "{\"events\":[" + Array(repeating: sample, count: count).joined(separator: ",") + "]}"
            let parsed = Self.parse(Data(text.utf8))
            if count > MatrixTransactionParser.maximumEvents {
                #expect(parsed == nil, "\(count) events taken")
            } else {
                let parsed = try #require(parsed)
                #expect(parsed.events.count + parsed.skipped == count)
                parsed.events.forEach(Self.expectBounded)
            }
        }
        var wide = Self.message("$w")
        wide["content"] = Array(repeating: 1, count: 200_000)
        #expect(Self.parse(Self.body([wide]))?.events.count == 1, "a huge content array is only carried in raw")
    }

    /// Every JSON type but the right one, and strings at the edges of the bounds, as JSON text.
    static let wrongValue = Gen.oneOf(
        Gen.element(of: ["42", "-1", "1.5", "1e308", "true", "false", "null", "[]", "{}", "[\"x\"]", "{\"a\":1}"])
            .map { $0 ?? "null" },
        Gen.int(in: 256...2_000).map { "\"" + String(repeating: "x", count: $0) + "\"" },
        Gen<UInt32>.value(in: 0...0x1F).map { String(format: "\"a\\u%04xb\"", $0) },
        Gen.always("\"\"")
    )

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("each field with a value of the wrong type: ids make the event skipped, other fields read as absent")
    func wrongTypes() async {
        let identifiers = ["event_id", "room_id", "sender", "type"]
        let others = ["state_key", "origin_server_ts", "content", "unsigned", "msgtype", "body", "membership",
                      "is_direct", "m.relates_to", "rel_type", "key", "m.in_reply_to"]
        await propertyCheck(count: 500, input: Gen.element(of: identifiers + others), Self.wrongValue) { field, literal in
            let field = field ?? "event_id"
            let value = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
            var event = Self.message("$e1")
            var content = event["content"] as! [String: Any]
            switch field {
            case "msgtype", "body", "membership", "is_direct", "m.relates_to": content[field] = value
            case "rel_type", "key", "m.in_reply_to": content["m.relates_to"] = [field: value, "event_id": "$e0"]
            default: event[field] = value
            }
            if event["content"] is [String: Any] && field != "content" { event["content"] = content }
            let parsed = try #require(Self.parse(Self.body([event])))
            #expect(parsed.events.count + parsed.skipped == 1)
            let strings = value is String && !(value as! String).isEmpty && (value as! String).utf8.count <= 255
                && !(value as! String).unicodeScalars.contains { $0.properties.generalCategory == .control }
            if identifiers.contains(field) {
                #expect(parsed.events.count == (strings ? 1 : 0), "\(field) = \(value)")
            } else {
                let read = try #require(parsed.events.first)
                Self.expectBounded(read)
                if field == "msgtype" && !strings { #expect(read.messageType == nil) }
                if field == "membership" && !strings { #expect(read.membership == nil) }
                if field == "body" && !(value is String) { #expect(read.body == nil) }
                if field == "is_direct" && !(value is Bool) { #expect(read.isDirect == false) }
                if field == "content" { #expect(read.body == nil && read.messageType == nil) }
            }
        }
    }

    @Test("unknown event types are read with their type and content kept raw")
    func unknownTypes() async {
        let type = Gen.oneOf(
            Gen.lowercaseLetter.string(of: 1...40).map { "org.example.\($0)" },
            Gen.ascii.string(of: 1...60).map { $0.filter { $0.isLetter || $0 == "." } }.map { $0.isEmpty ? "x" : $0 },
            Gen.element(of: ["m.room.tombstone", "m.room.encryption", "m.sticker", "m.call.invite", "m.room.redaction"])
                .map { $0 ?? "m.sticker" }
        )
        await propertyCheck(count: 300, input: type) { type in
            var event = Self.message("$u", type: type)
            event["content"] = ["anything": [1, ["deep": true]], "body": 7]
            let parsed = try #require(Self.parse(Self.body([event])))
            let read = try #require(parsed.events.first)
            #expect(read.type == type)
            #expect(read.body == nil)
            let raw = try #require(try JSONSerialization.jsonObject(with: read.raw) as? [String: Any])
            #expect((raw["content"] as? [String: Any])?["anything"] != nil)
        }
    }

    @Test("one event id repeated 1 to 100 times in a transaction: every copy read (the spool keeps one)")
    func duplicateIDs() async {
        await propertyCheck(count: 100, input: Gen.int(in: 1...100), Gen.lowercaseLetter.string(of: 1...20)) {
            copies, name in
            let parsed = try #require(Self.parse(Self.body(Array(repeating: Self.message("$\(name)"), count: copies))))
            #expect(parsed.events.count == copies)
            #expect(Set(parsed.events.map(\.eventID)) == ["$\(name)"])
        }
    }
}
