import Foundation

// libFuzzer target: the Telegram update path (Sources/Tenant/Telegram): `UpdateListSlicer` cutting
// a `getUpdates` answer into updates, `TelegramUpdateDecoder.envelope(of:)` reading what the inbox
// stores, and `TelegramUpdateDecoder.decode(_:botUsername:)` building the neutral model.
//
// Input: the bytes are used three ways: as one update (a webhook body, or one slice), as a whole
// `getUpdates` answer, and wrapped as the `result` of one.
//
// Invariants: nothing traps; decoding returns or throws `DecodingError`, never another error; an
// update that decodes also has an envelope, with the same id and, for a type outside the model,
// the same type name; a command is only read from text that starts with `/`, with a lowercase
// ASCII name of 1 to 64 characters; and when the wrapped answer is valid JSON, the slicer finds
// exactly its `result` elements, each slice the same JSON value as the element.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzUpdateDecoder(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let raw = FuzzInput(data, count).data
    checkUpdate(raw)
    for slice in UpdateListSlicer.updates(in: raw) ?? [] {
        checkUpdate(slice)
    }
    checkSlices(of: Data(#"{"ok":true,"result":["#.utf8) + raw + Data("]}".utf8), element: raw)
    return 0
}

/// Decodes `raw` as one update and checks the result against its envelope.
private func checkUpdate(_ raw: Data) {
    let envelope = typed { try TelegramUpdateDecoder.envelope(of: raw) }
    guard let update = typed({ try TelegramUpdateDecoder().decode(raw, botUsername: "aviary_bot") }) else { return }
    guard let envelope else {
        invariant(false, "the update \(update.id) decodes, but its envelope does not")
        return
    }
    invariant(envelope.id == update.id, "envelope id \(envelope.id) ≠ update id \(update.id)")
    if case .other(let type) = update.content {
        invariant(envelope.kind == type, "envelope type \(envelope.kind) ≠ update type \(type)")
    }
    for message in [update.message, update.callbackQuery?.message].compactMap(\.self) {
        guard let command = message.command else { continue }
        invariant(message.text?.hasPrefix("/") == true, "a command from text that does not start with /")
        invariant(
            (1...64).contains(command.name.count)
                && command.name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") },
            "command name \(String(reflecting: command.name))"
        )
    }
}

/// The value `body` returns, `nil` when it throws `DecodingError`; any other error fails the run.
private func typed<T>(_ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch is DecodingError {
        return nil
    } catch {
        invariant(false, "decoding threw \(type(of: error)), not DecodingError: \(error)")
        return nil
    }
}

/// Checks the slicer on `body`, a `getUpdates` answer whose `result` array holds `element`.
private func checkSlices(of body: Data, element: Data) {
    let slices = UpdateListSlicer.updates(in: body)
    // A second `result` key would make the JSON ambiguous (the slicer reads the first one), and
    // Foundation accepts a trailing comma (`[1,]`) that Telegram never sends and the slicer refuses.
    guard !element.contains(Data("result".utf8)),
        element.last(where: { !" \n\r\t".utf8.contains($0) }) != UInt8(ascii: ","),
        let answer = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
        let elements = answer["result"] as? [Any]
    else { return }
    guard let slices else {
        invariant(false, "valid getUpdates JSON with \(elements.count) updates, but the slicer found none")
        return
    }
    invariant(slices.count == elements.count, "\(slices.count) slices for \(elements.count) updates")
    for (slice, element) in zip(slices, elements) {
        let value = try? JSONSerialization.jsonObject(with: slice, options: .fragmentsAllowed)
        invariant(value.map(canonical) == canonical(element), "a slice is not its update: \(String(reflecting: slice))")
    }
}

/// A JSON value as text with sorted keys, to compare two values.
private func canonical(_ value: Any) -> Data? {
    try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
}
