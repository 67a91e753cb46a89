import Foundation

// libFuzzer target: the Matrix application-service transaction parser
// (Sources/Tenant/Matrix/MatrixEvent.swift), which reads whatever a homeserver, or anyone who
// learned the `hs_token`, PUTs to `/_matrix/app/v1/transactions/{txnId}`.
//
// Input: the bytes are used two ways: as a whole transaction body, and wrapped as the one event
// of `{"events":[…]}`.
//
// Invariants: nothing traps; the parser returns or throws `MatrixEventError`, never another
// error; when it returns, the body was a JSON object, at most `maximumEvents` events were taken
// and the events plus the skipped ones are exactly the `events` array; every event's id, room,
// sender and type are 1 to 255 bytes without control characters, its body at most 65,536 bytes
// and its time under 10^15 ms; and an event's `raw` JSON parses back into the same event.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzMatrixTransaction(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let raw = FuzzInput(data, count).data
    check(raw)
    check(Data(#"{"events":["#.utf8) + raw + Data("]}".utf8))
    return 0
}

/// Parses `body` and checks the answer against Foundation's own reading of it.
private func check(_ body: Data) {
    let parsed: (events: [MatrixEvent], skipped: Int)
    do {
        parsed = try MatrixTransactionParser.events(in: body)
    } catch is MatrixEventError {
        return
    } catch {
        invariant(false, "the parser threw \(type(of: error)), not MatrixEventError: \(error)")
        return
    }
    let root = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    invariant(root != nil, "a body that is not a JSON object was accepted")
    let items = root?["events"] as? [Any] ?? []
    invariant(items.count <= MatrixTransactionParser.maximumEvents, "\(items.count) events taken")
    invariant(
        parsed.events.count + parsed.skipped == items.count,
        "\(parsed.events.count) events + \(parsed.skipped) skipped ≠ \(items.count) in the body"
    )
    for event in parsed.events {
        checkBounds(event)
        let again = (try? JSONSerialization.jsonObject(with: event.raw)) as? [String: Any]
        let reparsed = again.flatMap(MatrixTransactionParser.parse)
        invariant(reparsed.map(fields) == fields(event), "the raw JSON of \(event.eventID) reads differently")
    }
}

/// The bounds every parsed event keeps.
private func checkBounds(_ event: MatrixEvent) {
    for (name, value) in [("event_id", event.eventID), ("room_id", event.roomID), ("sender", event.sender),
                          ("type", event.type)] {
        invariant(
            (1...MatrixTransactionParser.maximumIDLength).contains(value.utf8.count)
                && !value.unicodeScalars.contains { $0.properties.generalCategory == .control },
            "\(name) \(String(reflecting: value.prefix(40))) is out of bounds"
        )
    }
    invariant(
        (event.body?.utf8.count ?? 0) <= MatrixTransactionParser.maximumBodyLength,
        "a body of \(event.body?.utf8.count ?? 0) bytes"
    )
    invariant(abs(event.timestamp) < 1_000_000_000_000_000, "time \(event.timestamp)")
}

/// Every field of `event` but `raw`, whose key order may differ after a round trip.
private func fields(_ event: MatrixEvent) -> String {
    var copy = event
    copy.raw = Data()
    return String(reflecting: copy)
}
