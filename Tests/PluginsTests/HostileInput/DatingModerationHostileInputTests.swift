import Foundation
import PropertyBased
import Tenant
import Testing
@testable import Plugins

/// Moderation presses with any id, from an admin or anyone else: an admin's press always takes
/// the buttons off the pressed card (exactly one edit, of that card); anyone else's changes
/// nothing.
@Suite("Dating moderation presses: hostile input", .timeLimit(.minutes(5)))
struct DatingModerationHostileInputTests {
    @Test("any approve or ban press: an admin's spends the card once, anyone else's edits nothing")
    func anyReviewPress() async throws {
        let harness = try await DatingFixture.harness()
        let input = zip(Gen.int64(), Gen.bool(), Gen.bool())
        await propertyCheck(count: 200, input: input) { id, ban, byAdmin in
            let presser = byAdmin ? DatingFixture.admin : DatingFixture.person(9_001, "Eve")
            let data = DatingAction.ban(id).data.replacingOccurrences(of: ":mb:", with: ban ? ":mb:" : ":ma:")
            let outcome = try await harness.handle(DatingFixture.presses(data, from: presser))
            let expected = byAdmin ? [ButtonsEdit(chatID: presser.id, messageID: 77)] : []
            #expect(outcome.editedButtons == expected, "\(data) by \(byAdmin ? "admin" : "someone")")
        }
    }
}
