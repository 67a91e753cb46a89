import Foundation
import Plugins
import PropertyBased
import Tenant
import Testing

/// Whatever a remote plugin answers, the host accepts exactly the answers that keep to the
/// protocol and its limits, and refuses every other with the path of the value at fault; only
/// the exact signature of the exact body passes.
@Suite("Remote plugin answers: hostile input", .timeLimit(.minutes(5)))
struct RemoteAnswerHostileInputTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Candidate parts of an answer, each with whether it keeps to the protocol.
    static let dispositions: [(String, Bool)] = [
        (#""handled""#, true), (#""passed""#, true), (#""HANDLED""#, false), ("1", false), ("null", false),
        ("[]", false), (#""""#, false), ("true", false),
    ]
    static let actions: [(String, Bool)] = [
        (#"{"kind":"reply","text":"hi"}"#, true),
        (#"{"kind":"reply","text":"hi","quote":true,"parse_mode":"HTML"}"#, true),
        (#"{"kind":"reply","text":""}"#, false),
        (#"{"kind":"reply","text":"   "}"#, false),
        (#"{"kind":"reply"}"#, false),
        (#"{"kind":"reply","text":7}"#, false),
        (#"{"kind":"reply","text":"x","parse_mode":"markdown"}"#, false),
        (#"{"kind":"reply","text":"x","colour":"red"}"#, false),
        (#"{"kind":"send","chat_id":5,"text":"x"}"#, true),
        (#"{"kind":"send","chat_id":"5","text":"x"}"#, false),
        (#"{"kind":"send","chat_id":5.5,"text":"x"}"#, false),
        (#"{"kind":"send","chat_id":true,"text":"x"}"#, false),
        (#"{"kind":"send","text":"x"}"#, false),
        (#"{"kind":"reply","text":"x","buttons":[[{"text":"a","callback_data":"d"}]]}"#, true),
        (#"{"kind":"reply","text":"x","buttons":[[{"text":"a","url":"https://example.com"}]]}"#, true),
        (#"{"kind":"reply","text":"x","buttons":[[{"text":"a","url":"javascript:alert(1)"}]]}"#, false),
        (#"{"kind":"reply","text":"x","buttons":[[{"text":"a","callback_data":"d","url":"https://e.com"}]]}"#, false),
        (#"{"kind":"reply","text":"x","buttons":[[{"text":"a","callback_data":""}]]}"#, false),
        (#"{"kind":"reply","text":"x","buttons":[{"text":"a","callback_data":"d"}]}"#, false),
        (#"{"kind":"edit","message_id":3,"text":"new"}"#, true),
        (#"{"kind":"edit","message_id":"3","text":"new"}"#, false),
        (#"{"kind":"edit_buttons","message_id":3,"buttons":[]}"#, true),
        (#"{"kind":"answer_callback","text":"ok","show_alert":false}"#, true),
        (#"{"kind":"answer_callback","show_alert":"yes"}"#, false),
        (#"{"kind":"schedule","key":"k","at":1800000060,"payload":"p"}"#, true),
        (#"{"kind":"schedule","key":"k","at":9999999999999}"#, false),
        (#"{"kind":"schedule","key":"bad key","at":1800000060}"#, false),
        (#"{"kind":"schedule","key":"","at":1800000060}"#, false),
        (#"{"kind":"schedule","key":"k"}"#, false),
        (#"{"kind":"cancel_schedule","key":"k"}"#, true),
        (#"{"kind":"delete","message_id":1}"#, false),
        (#"{"kind":"Reply","text":"x"}"#, false),
        (#"{"text":"x"}"#, false),
        (#""reply""#, false),
        ("null", false),
    ]
    static let states: [(String, Bool)] = [
        (#"{"chat":{"set":{"a":1,"b":"x","c":[1,2],"d":{"e":null}}}}"#, true),
        (#"{"person":{"delete":["a","b"]}}"#, true),
        (#"{"person":{"set":{"a":1},"delete":["b"]}}"#, true),
        (#"{"person":{"set":{"a b":1}}}"#, false),
        (#"{"person":{"set":{"":1}}}"#, false),
        (#"{"person":{"delete":"a"}}"#, false),
        (#"{"person":{"delete":[1]}}"#, false),
        (#"{"people":{"set":{"a":1}}}"#, false),
        (#"{"chat":{"put":{"a":1}}}"#, false),
        (#"{"chat":[]}"#, false),
        ("[]", false),
    ]

    /// An answer built from one disposition (or none), some actions (or none) and a state (or
    /// none), with whether the whole keeps to the protocol.
    static let answers = zip(
        Gen.int(in: 0...dispositions.count),
        Gen.int(in: 0...(actions.count - 1)).array(of: 0...4),
        Gen.int(in: 0...states.count),
        Gen.bool
    ).map { disposition, actionIndices, state, withActions -> (String, Bool) in
        var parts: [String] = []
        var valid = true
        if disposition < dispositions.count {
            parts.append(#""disposition":"# + dispositions[disposition].0)
            valid = valid && dispositions[disposition].1
        } else {
            valid = false
        }
        if withActions {
            parts.append(#""actions":["# + actionIndices.map { actions[$0].0 }.joined(separator: ",") + "]")
            valid = valid && actionIndices.allSatisfy { actions[$0].1 }
        }
        if state < states.count {
            parts.append(#""state":"# + states[state].0)
            valid = valid && states[state].1
        }
        return ("{" + parts.joined(separator: ",") + "}", valid)
    }

    @Test("generated answers: exactly those that keep to the protocol are accepted; refusals say where")
    func generatedShapes() async {
        await propertyCheck(count: 2000, input: Self.answers) { text, valid in
            do {
                let answer = try RemoteAnswer(parsing: Data(text.utf8), now: Self.now)
                #expect(valid, "accepted: \(text)")
                #expect(answer.actions.count <= RemoteLimits.actions)
            } catch let error as RemoteAnswerError {
                #expect(!valid, "refused: \(text): \(error)")
                #expect(!error.message.isEmpty)
            }
        }
    }

    @Test("any bytes: what is not a JSON object with a disposition is refused, never crashes the host")
    func anyBytes() async {
        let bytes = Gen.int(in: 0...255).array(of: 0...300).map { Data($0.map(UInt8.init)) }
        await propertyCheck(count: 1000, input: bytes) { data in
            #expect(throws: RemoteAnswerError.self) { try RemoteAnswer(parsing: data, now: Self.now) }
        }
    }

    @Test("oversize answers are refused by size, whatever they hold; one byte under the limit is read")
    func oversize() async {
        await propertyCheck(count: 50, input: Gen.int(in: 1...(4 * RemoteLimits.answerBytes))) { extra in
            let base = #"{"disposition":"handled"}"#
            let body = Data((base + String(repeating: " ", count: extra)).utf8)
            let result = Result { try RemoteAnswer(parsing: body, now: Self.now) }
            if body.count > RemoteLimits.answerBytes {
                #expect(throws: RemoteAnswerError.self) { try result.get() }
                #expect("\(result)".contains("the answer has more than 65536 bytes"))
            } else {
                #expect((try? result.get())?.disposition == .handled)
            }
        }
    }

    @Test("unknown action kinds are refused with their path, and the kinds version 1 knows")
    func unknownKinds() async {
        let kinds = Gen.lowercaseLetter.array(of: 1...12).map { String($0) }
        await propertyCheck(count: 500, input: kinds, Gen.int(in: 0...3)) { kind, position in
            let known = #"{"kind":"reply","text":"x"}"#
            let actions = Array(repeating: known, count: position) + [#"{"kind":"\#(kind)"}"#]
            let body = #"{"disposition":"handled","actions":[\#(actions.joined(separator: ","))]}"#
            do {
                _ = try RemoteAnswer(parsing: Data(body.utf8), now: Self.now)
                #expect(RemoteAnswer.actionKinds.contains(kind), "accepted kind \(kind)")
            } catch let error as RemoteAnswerError {
                guard !RemoteAnswer.actionKinds.contains(kind) else { return }
                #expect(error.path == "actions[\(position)].kind")
                #expect(error.message.hasPrefix("unknown action kind '\(kind)' (version 1 knows: send, reply"))
            }
        }
    }

    @Test("state changes over the bounds are refused: keys per answer and bytes per value")
    func stateBounds() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...100), Gen.int(in: 0...5000)) { keys, size in
            let value = "\"" + String(repeating: "v", count: size) + "\""
            let pairs = (0..<keys).map { "\"k\($0)\":\(value)" }.joined(separator: ",")
            let body = #"{"disposition":"passed","state":{"person":{"set":{\#(pairs)}}}}"#
            let valueBytes = size + 2
            let fits =
                keys <= RemoteLimits.changesPerScope && (keys == 0 || valueBytes <= RemoteLimits.valueBytes)
                && body.utf8.count <= RemoteLimits.answerBytes
            let accepted = (try? RemoteAnswer(parsing: Data(body.utf8), now: Self.now)) != nil
            #expect(accepted == fits, "\(keys) keys of \(valueBytes) bytes")
        }
    }

    @Test("signatures: only v1= and the HMAC of this timestamp and body under this secret pass")
    func signatures() async {
        let secret = RemoteSecret(text: "hostile-input-secret-0123456789")
        let body = Data(#"{"disposition":"handled"}"#.utf8)
        let good = RemoteSignature.sign(body, timestamp: 1_800_000_000, secret: secret)
        // Python: hmac.new(secret, b"1800000000." + body, hashlib.sha256).hexdigest()
        #expect(good == "v1=a1b2b13775da4baa1dc4db7a4d55584c4f340c299af002f30f49af07ee0b21ce")
        #expect(RemoteSignature.verify(good, body: body, timestamp: 1_800_000_000, secret: secret))
        let mutations = zip(Gen.int(in: 0...(good.count - 1)), Gen.lowercaseLetter, Gen.int(in: 0...4))
        await propertyCheck(count: 1000, input: mutations) { index, letter, kind in
            var forged = Array(good)
            var timestamp: Int64 = 1_800_000_000
            var forgedBody = body
            switch kind {
            case 0: forged[index] = letter == forged[index] ? "0" : letter
            case 1: forged.remove(at: index)
            case 2: timestamp += Int64(index + 1)
            case 3: forgedBody.append(UInt8(ascii: " "))
            default: forged = Array(good.uppercased())
            }
            let header = String(forged)
            let passes = RemoteSignature.verify(header, body: forgedBody, timestamp: timestamp, secret: secret)
            #expect(passes == (header == good && timestamp == 1_800_000_000 && forgedBody == body), "\(header)")
            let otherSecret = RemoteSecret(text: "another-secret-of-sixteen+")
            #expect(!RemoteSignature.verify(good, body: body, timestamp: 1_800_000_000, secret: otherSecret))
        }
    }
}
