import Tenant

extension DatingConversation {
    /// `/profile`: the person's own card with its edit, pause and delete buttons.
    func showOwnProfile() async throws {
        guard try await requireFinishedProfile(), let profile else { return }
        showProfile(profile)
    }

    /// Sends `profile` as its owner sees it.
    func showProfile(_ profile: DatingProfile) {
        var caption = caption(of: profile, language: language)
        if profile.paused {
            caption += "\n\n" + text(.notePaused)
        } else if profile.moderation != .ok {
            caption += "\n\n" + text(profile.moderation == .banned ? .banned : .noteReview)
        }
        let fields = ProfileField.allCases.map { button($0.editButton, .edit($0)) }
        let buttons = [
            Array(fields[0..<3]), Array(fields[3..<5]), Array(fields[5...]),
            [profile.paused ? button(.buttonResume, .resume) : button(.buttonPause, .pause),
             button(.buttonDelete, .delete)],
        ]
        context.send(OutgoingMessage(chatID: chatID, text: caption, buttons: buttons, photo: profile.photo))
    }

    /// Hides the profile from everyone, or shows it again.
    func setPaused(_ paused: Bool) {
        guard let profile, profile.complete else { return }
        context.storage.write { db in try DatingStore.setPaused(db, userID: profile.userID, paused: paused) }
        say(paused ? .paused : .resumed)
    }

    /// Asks before deleting.
    func askToDelete() {
        guard profile != nil else { return }
        say(.deleteConfirm, buttons: [[button(.buttonDeleteConfirm, .confirmDelete), button(.buttonCancel, .cancel)]])
    }

    /// Erases everything the bot stored about the person, the host's rows and every plugin's, in
    /// the update's commit.
    func delete(confirming prompt: Message?) {
        guard profile != nil else { return }
        context.forgetUser(user.id)
        replace(prompt, with: .deleted)
    }
}
