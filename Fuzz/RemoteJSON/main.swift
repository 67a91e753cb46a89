import Foundation

// libFuzzer target: `RemoteJSONReader`, which reads a remote plugin's answer
// (Sources/Plugins/Remote), and `RemoteJSON.compactText(in:)`, which stores its state values.
//
// Input: the bytes, as an answer body.
//
// Invariants: nothing traps; a refusal says why; what the reader accepts `JSONSerialization`
// accepts too and reads as the same value (the reader is never laxer); a value's compact text
// is no longer than its text and reads back as the same value.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzRemoteJSON(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = [UInt8](FuzzInput(data, count).data)
    let json: RemoteJSON
    do {
        json = try RemoteJSONReader.read(bytes)
    } catch {
        invariant(!error.message.isEmpty, "a refusal without a reason")
        return 0
    }
    let oracle = RemoteJSONOracle.read(bytes)
    invariant(
        oracle != nil,
        "accepted what JSONSerialization refuses: \(String(reflecting: String(decoding: bytes, as: UTF8.self)))"
    )
    if let oracle { invariant(RemoteJSONOracle.same(json, oracle), "read differently from JSONSerialization") }
    let compact = json.compactText(in: bytes)
    invariant(compact.count <= json.range.count, "the compact text is longer than the text")
    guard let again = try? RemoteJSONReader.read(compact) else {
        invariant(false, "the compact text does not read: \(String(decoding: compact, as: UTF8.self))")
        return 0
    }
    invariant(compact == again.compactText(in: compact), "the compact text is not stable")
    if let oracle { invariant(RemoteJSONOracle.same(again, oracle), "the compact text reads as another value") }
    return 0
}
