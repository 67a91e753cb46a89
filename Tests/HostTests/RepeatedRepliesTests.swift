import Testing

/// How ``RepeatedReplies`` charges repeated replies to kills: the crash test's per-kill bound is
/// only as good as this.
@Suite("Repeated replies charged to kills")
struct RepeatedRepliesTests {
    @Test("no repeat charges nothing")
    func noRepeats() {
        let repeats = RepeatedReplies(texts: ["a", "b", "c"], killMarks: [1, 2])
        #expect(repeats.perKill == [[], []])
        #expect(repeats.withoutKill.isEmpty)
    }

    @Test("a repeat with no kill since the previous send is never allowed")
    func repeatWithoutKill() {
        let repeats = RepeatedReplies(texts: ["a", "b", "a", "c", "c"], killMarks: [4])
        #expect(repeats.withoutKill == ["a"])
        #expect(repeats.perKill == [["c"]], "c was repeated after the kill")
    }

    @Test("three replies repeated after one kill are three for that kill")
    func threeForOneKill() {
        let repeats = RepeatedReplies(texts: ["a", "b", "c", "a", "b", "c", "d"], killMarks: [3, 7])
        #expect(repeats.perKill == [["a", "b", "c"], []])
    }

    @Test("a kill's leftovers resent after the next kill are charged to the kill that cut them off")
    func leftoversAfterTheNextKill() {
        // Kill 1 cuts a and b off; the next host sends c, is killed with c in flight, and the one
        // after resends a, b and c: two for kill 1, one for kill 2.
        let repeats = RepeatedReplies(texts: ["a", "b", "c", "a", "b", "c"], killMarks: [2, 3])
        #expect(repeats.perKill == [["a", "b"], ["c"]])
        #expect(repeats.withoutKill.isEmpty)
    }

    @Test("a kill's repeats stay with it when the next kill came before the resend")
    func nothingSpreadToALaterKill() {
        // Kill 1 cuts a, b and c off; the next host is killed before it sent anything; the one
        // after resends all three. Kill 2 had nothing in flight: all three are kill 1's.
        let repeats = RepeatedReplies(texts: ["a", "b", "c", "a", "b", "c"], killMarks: [3, 3])
        #expect(repeats.perKill == [["a", "b", "c"], []])
    }

    @Test("a message in flight at two kills in a row takes a slot of each")
    func inFlightTwice() {
        // Kill 1 cuts a off; the next host resends it and is killed before marking it; the one
        // after sends it a third time.
        let repeats = RepeatedReplies(texts: ["a", "b", "a", "a"], killMarks: [2, 3])
        #expect(repeats.perKill == [["a"], ["a"]])
    }
}
