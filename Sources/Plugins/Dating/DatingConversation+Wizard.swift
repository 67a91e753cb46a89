import Tenant

extension DatingConversation {
    /// `/start`: begins the wizard, asks its pending question again, or welcomes back.
    func start() async throws {
        guard let profile else {
            guard try await isBanned() == false else { return say(.banned) }
            context.storage.write { [user, chatID, now = context.now] db in
                try DatingStore.createProfile(db, user: user, chatID: chatID, now: now)
            }
            say(.welcome)
            return ask(ProfileField.allCases[0])
        }
        if let step = profile.step { return ask(step) }
        say(profile.moderation == .banned ? .banned : .welcomeBack)
    }

    /// Asks a question, with buttons for a choice.
    func ask(_ field: ProfileField) {
        say(field.question, field.limits, buttons: choiceButtons(for: field))
    }

    /// For a person without a finished profile: starts or resumes the wizard and returns
    /// `false`; otherwise returns `true`.
    func requireFinishedProfile() async throws -> Bool {
        guard let profile else {
            try await start()
            return false
        }
        guard profile.complete else {
            say(.finishProfile)
            if let step = profile.step { ask(step) }
            return false
        }
        return true
    }

    /// Checks a message as the answer to `field`; stores it, or explains and asks again.
    func answer(_ message: Message, to field: ProfileField, in profile: DatingProfile) {
        switch field.answer(from: message, minimumAge: configuration.minAge) {
        case .success(let answer):
            save(answer, for: field, in: profile)
        case .failure(let rejection):
            say(rejection.text, rejection.values, buttons: choiceButtons(for: field))
        }
    }

    /// A press on a gender or wish button: stores it if that question is pending.
    func choose(_ answer: ProfileField.Answer, for field: ProfileField) -> String? {
        guard let profile, profile.step == field else { return text(.cardExpired) }
        save(answer, for: field, in: profile)
        return nil
    }

    /// A press on an edit button of `/profile`: asks the field again.
    func edit(_ field: ProfileField) {
        guard let profile, profile.complete else { return }
        context.storage.write { db in try DatingStore.setStep(db, userID: profile.userID, step: field) }
        ask(field)
    }

    /// Stores an answer, then asks the next question, says the profile is ready, or (after an
    /// edit) shows the changed profile.
    private func save(_ answer: ProfileField.Answer, for field: ProfileField, in profile: DatingProfile) {
        let next = profile.complete ? nil : field.next
        let complete = next == nil
        context.storage.write { db in
            try DatingStore.save(
                db, field: field, answer: answer, userID: profile.userID, step: next, complete: complete)
        }
        if let next {
            ask(next)
        } else if profile.complete {
            var changed = profile
            changed.set(field, to: answer)
            changed.step = nil
            showProfile(changed)
        } else {
            say(.profileReady, buttons: [[button(.buttonBrowse, .browse)]])
        }
    }

    private func choiceButtons(for field: ProfileField) -> [[InlineButton]] {
        switch field {
        case .gender:
            [DatingProfile.Gender.allCases.map { button($0 == .man ? .buttonMan : .buttonWoman, .gender($0)) }]
        case .seeking:
            [[button(.buttonMen, .seeking(.men)), button(.buttonWomen, .seeking(.women))],
             [button(.buttonAnyone, .seeking(.anyone))]]
        default:
            []
        }
    }

    private func isBanned() async throws -> Bool {
        try await context.storage.read { [user] db in try DatingStore.isBanned(db, userID: user.id) }
    }
}

extension DatingProfile {
    /// Applies a stored answer to this in-memory copy, as the database will after the commit.
    mutating func set(_ field: ProfileField, to answer: ProfileField.Answer) {
        switch (field, answer) {
        case (.name, .text(let text)): name = text
        case (.age, .number(let number)): age = number
        case (.gender, .gender(let value)): gender = value
        case (.seeking, .seeking(let value)): seeking = value
        case (.city, .text(let text)): city = text
        case (.bio, .text(let text)): bio = text
        case (.photo, .photo(let fileID)): photo = fileID
        default: break
        }
    }
}
