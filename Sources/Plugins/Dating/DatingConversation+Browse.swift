import Tenant

extension DatingConversation {
    /// `/browse` and the browse button: the next candidate's card.
    func browse() async throws {
        guard let viewer = try await browsingProfile() else { return }
        try await showNextCard(for: viewer)
    }

    /// ❤️ on the current card: counts against today's likes, tells both people of a match, and
    /// shows the next card. The card loses its buttons, unless the day's likes are used up.
    func like(_ candidateID: Int64, card: Message?) async throws -> String? {
        guard let viewer = try await browsingProfile() else { return nil }
        guard viewer.currentCard == candidateID else {
            spend(card)
            return text(.cardExpired)
        }
        let zone = try await context.timeZone(ofUser: user.id)
        let today = LocalDay.key(for: context.now, in: zone)
        let used = viewer.likesDay == today ? viewer.likesToday : 0
        guard used < configuration.dailyLikes else {
            say(.likeLimit, ["limit": "\(configuration.dailyLikes)"])
            return nil
        }
        let (candidate, mutual) = try await context.storage.read { db in
            (try DatingProfile.fetch(db, userID: candidateID),
             try DatingStore.likes(db, from: candidateID, to: viewer.userID))
        }
        spend(card)
        guard let candidate, candidate.isVisible else {
            try await showNextCard(for: viewer)
            return text(.relayUnavailable)
        }
        context.storage.write { [now = context.now] db in
            try DatingStore.like(db, from: viewer.userID, to: candidateID, day: today, notified: mutual, now: now)
        }
        if mutual { announceMatch(between: viewer, and: candidate) }
        try await showNextCard(for: viewer)
        return nil
    }

    /// 👎 on the current card: the next card; the skipped person comes back after the others.
    /// The card loses its buttons.
    func skip(_ candidateID: Int64, card: Message?) async throws -> String? {
        guard let viewer = try await browsingProfile() else { return nil }
        spend(card)
        guard viewer.currentCard == candidateID else { return text(.cardExpired) }
        try await showNextCard(for: viewer)
        return nil
    }

    /// Blocks a person: neither sees the other again; on the current card, the next is shown.
    /// The pressed message (their card, a match notice or a relayed message) loses its buttons.
    func block(_ personID: Int64, pressed: Message?) async throws -> String? {
        guard let profile, profile.complete, personID != profile.userID else { return nil }
        context.storage.write { [now = context.now] db in
            try DatingStore.block(db, from: profile.userID, to: personID, now: now)
        }
        spend(pressed)
        if profile.currentCard == personID, let viewer = try await browsingProfile() {
            try await showNextCard(for: viewer)
        }
        return text(.blocked)
    }

    /// Asks why the person is reported, with a button per reason.
    func askReason(reporting personID: Int64) async throws {
        guard let profile, profile.complete, personID != profile.userID else { return }
        guard let reported = try await fetchProfile(personID) else { return say(.relayUnavailable) }
        let reasons = ReportReason.allCases.map { button($0.label, .reportReason(personID, $0)) }
        let rows = stride(from: 0, to: reasons.count, by: 2).map { Array(reasons[$0..<min($0 + 2, reasons.count)]) }
        say(.reportPrompt, ["name": reported.name ?? ""], buttons: rows + [[button(.buttonCancel, .cancel)]])
    }

    /// Records a report with its reason; the reporter never sees the person again.
    func report(_ personID: Int64, reason: ReportReason, prompt: Message?) async throws -> String? {
        guard let profile, profile.complete, personID != profile.userID else { return nil }
        guard try await fetchProfile(personID) != nil else {
            replace(prompt, with: .relayUnavailable)
            return nil
        }
        context.storage.write { [now = context.now, threshold = configuration.reportThreshold] db in
            try DatingStore.report(
                db, from: profile.userID, to: personID, reason: reason, threshold: threshold, now: now)
        }
        replace(prompt, with: .reported)
        if profile.currentCard == personID, let viewer = try await browsingProfile() {
            try await showNextCard(for: viewer)
        }
        return nil
    }

    /// The person's profile if they may browse; otherwise says why not and returns `nil`.
    func browsingProfile() async throws -> DatingProfile? {
        guard try await requireFinishedProfile(), let profile else { return nil }
        switch profile.moderation {
        case .banned: say(.banned)
        case .hidden: say(.underReview)
        case .ok where profile.paused: say(.resumeFirst)
        case .ok: return profile
        }
        return nil
    }

    /// Tells of matches nobody told yet, then shows the next candidate or says there is none.
    private func showNextCard(for viewer: DatingProfile) async throws {
        try await announcePendingMatches()
        let candidate = try await context.storage.read { [search] db in try search.next(for: viewer, in: db) }
        guard let candidate else { return say(.noCandidates, buttons: [[button(.buttonBrowse, .browse)]]) }
        context.storage.write { [now = context.now] db in
            try DatingStore.showCard(db, viewer: viewer.userID, candidate: candidate.userID, now: now)
        }
        let buttons = [
            [button(.buttonLike, .like(candidate.userID)), button(.buttonSkip, .skip(candidate.userID))],
            [button(.buttonReport, .report(candidate.userID)), button(.buttonBlock, .block(candidate.userID))],
        ]
        context.send(OutgoingMessage(
            chatID: chatID, text: caption(of: candidate, language: language), buttons: buttons, photo: candidate.photo))
    }

    /// Another person's profile, if they still have one.
    func fetchProfile(_ userID: Int64) async throws -> DatingProfile? {
        try await context.storage.read { db in try DatingProfile.fetch(db, userID: userID) }
    }
}
