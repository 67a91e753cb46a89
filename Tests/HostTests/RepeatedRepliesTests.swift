import Testing

/// How ``RepeatedReplies`` charges repeated replies to kills: the crash test's per-kill bound is
/// only as good as this.
@Suite("Repeated replies charged to kills")
struct RepeatedRepliesTests {
    @Test("no repeat charges nothing")
    func noRepeats() {
        let repeats = RepeatedReplies(texts: ["a", "b", "c"], killMarks: [1, 2], bound: 1)
        #expect(repeats.perKill == [0, 0])
        #expect(repeats.withoutKill.isEmpty)
    }

    @Test("a repeat with no kill since the previous send is never allowed")
    func repeatWithoutKill() {
        let repeats = RepeatedReplies(texts: ["a", "b", "a", "c", "c"], killMarks: [4], bound: 8)
        #expect(repeats.withoutKill == ["a"])
        #expect(repeats.perKill == [1], "c was repeated after the kill")
    }

    @Test("three replies repeated after one kill are three for that kill, over a bound of two")
    func overTheBound() {
        let repeats = RepeatedReplies(texts: ["a", "b", "c", "a", "b", "c", "d"], killMarks: [3, 7], bound: 2)
        #expect(repeats.perKill == [3, 0])
    }

    @Test("a kill's leftovers resent after the next kill are charged to the kill that cut them off")
    func leftoversAfterTheNextKill() {
        // Kill 1 cuts a and b off; the next host sends c, is killed with c in flight, and the one
        // after resends a, b and c: two for kill 1, one for kill 2.
        let repeats = RepeatedReplies(texts: ["a", "b", "c", "a", "b", "c"], killMarks: [2, 3], bound: 2)
        #expect(repeats.perKill == [2, 1])
        #expect(repeats.withoutKill.isEmpty)
    }
}
