import Foundation
import Testing
@testable import Tenant

/// Cutting a `getUpdates` answer into its updates without parsing them.
@Suite("getUpdates answer slicing")
struct UpdateListSlicerTests {
    private func slices(_ json: String) -> [String]? {
        UpdateListSlicer.updates(in: Data(json.utf8))?.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("each element comes out byte for byte, whatever the spacing around it")
    func exactBytes() {
        #expect(slices(#"{"ok":true,"result":[{"update_id":1},{"update_id":2, "x" : [1,2]}]}"#)
            == [#"{"update_id":1}"#, #"{"update_id":2, "x" : [1,2]}"#])
        #expect(slices("{\n  \"ok\" : true ,\n  \"result\" : [\n    {\"update_id\":1}\n  ]\n}") == [#"{"update_id":1}"#])
        #expect(slices(#"{"ok":true,"result":[]}"#) == [])
        #expect(slices(#"{"ok":true,"result":[ ]}"#) == [])
    }

    @Test("brackets, braces and escaped quotes inside strings do not end an element")
    func stringsAreOpaque() {
        let update = #"{"update_id":7,"message":{"text":"a ] } \" [ { \\","entities":[]}}"#
        #expect(slices(#"{"ok":true,"result":["# + update + "]}") == [update])
    }

    @Test("only the top-level result counts: other keys before it are skipped, nested ones ignored")
    func topLevelResult() {
        let json = #"{"ok":true,"description":"has \"result\":[1]","meta":{"result":[9]},"result":[{"update_id":3}]}"#
        #expect(slices(json) == [#"{"update_id":3}"#])
    }

    @Test("scalars in the list are sliced too; the update decoder rejects them later")
    func scalars() {
        #expect(slices(#"{"result":[1, true,"s",null]}"#) == ["1", "true", #""s""#, "null"])
    }

    @Test("no top-level result list, or a cut-off answer, gives nil", arguments: [
        "", "<html>", "[]", #"{"ok":true}"#, #"{"ok":true,"result":true}"#, #"{"ok":true,"result":[{"update_id":1}"#,
        #"{"ok":true,"result":[{"update_id":1},"#, #"{"ok":true,"result":[{"text":"unterminated}]}"#, #"{"ok" true}"#,
    ])
    func malformed(json: String) {
        #expect(slices(json) == nil)
    }
}
