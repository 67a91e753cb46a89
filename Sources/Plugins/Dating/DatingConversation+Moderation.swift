import Tenant

extension DatingConversation {
    /// `/moderation` (admins only): the next reported profile with its reports and the approve
    /// and ban buttons.
    func showNextReport(after reviewedID: Int64? = nil) async throws {
        let next = try await context.storage.read { db in try DatingStore.nextReported(db, excluding: reviewedID) }
        guard let next else { return say(.moderationEmpty) }
        let reasons = next.reasons.map { "\(text($0.reason.label)) ×\($0.count)" }.joined(separator: ", ")
        let caption = text(.moderationCard, [
            "card": caption(of: next.profile, language: language), "count": "\(next.total)", "reasons": reasons,
        ])
        let userID = next.profile.userID
        let buttons = [[button(.buttonApprove, .approve(userID)), button(.buttonBan, .ban(userID))]]
        context.send(OutgoingMessage(chatID: chatID, text: caption, buttons: buttons, photo: next.profile.photo))
    }

    /// An admin's approve or ban; the profile's owner is not told. The pressed card loses its
    /// buttons (the press's notice tells the outcome), so it cannot be reviewed twice; the next
    /// report follows.
    func review(_ userID: Int64, ban: Bool, card: Message?) async throws -> String? {
        guard context.senderIsAdmin else { return nil }
        context.storage.write { [now = context.now] db in
            try DatingStore.review(db, userID: userID, ban: ban, now: now)
        }
        spend(card)
        try await showNextReport(after: userID)
        return text(ban ? .bannedByAdmin : .approved)
    }
}
