import Tenant

/// One update's exchange with one person in their private chat: what they sent, their profile
/// as the update began, and the means to answer.
///
/// - Important: Writes are queued for the update's commit; reads in the same update do not see
///   them, so the handlers work from ``profile`` and the values they just wrote.
struct DatingConversation {
    let context: PluginContext
    let configuration: DatingConfiguration
    let texts: DatingTexts
    let search: CandidateSearch
    /// The person.
    let user: User
    /// Their private chat with the bot.
    let chatID: Int64
    /// Their profile as the update began; `nil` before `/start`.
    let profile: DatingProfile?

    /// The person's client language, for the texts they read.
    var language: String? { user.languageCode }

    /// Answers a message: commands first, then a pending question, then a pending relay.
    func handle(_ message: Message) async throws -> Disposition {
        if let command = message.command {
            switch command.name {
            case "start": try await start()
            case "profile": try await showOwnProfile()
            case "browse": try await browse()
            case "moderation" where context.senderIsAdmin: try await showNextReport()
            default: return .passed
            }
            return .handled
        }
        if let profile, let step = profile.step {
            answer(message, to: step, in: profile)
            return .handled
        }
        guard profile != nil, let target = try await context.storage.read({ [user] db in
            try DatingStore.relayTarget(db, from: user.id)
        }) else { return .passed }
        try await relay(message, to: target)
        return .handled
    }

    /// Carries out a button's action; returns the short notice to answer the press with.
    func press(_ action: DatingAction, on pressed: Message?) async throws -> String? {
        switch action {
        case .gender(let gender): return choose(.gender(gender), for: .gender)
        case .seeking(let seeking): return choose(.seeking(seeking), for: .seeking)
        case .edit(let field): edit(field)
        case .pause: setPaused(true)
        case .resume: setPaused(false)
        case .delete: askToDelete()
        case .confirmDelete: delete(confirming: pressed)
        case .cancel: replace(pressed, with: .cancelled)
        case .browse: try await browse()
        case .like(let id): return try await like(id, card: pressed)
        case .skip(let id): return try await skip(id, card: pressed)
        case .block(let id): return try await block(id, pressed: pressed)
        case .report(let id): try await askReason(reporting: id)
        case .reportReason(let id, let reason): return try await report(id, reason: reason, prompt: pressed)
        case .write(let id): try await armRelay(to: id)
        case .approve(let id): return try await review(id, ban: false, card: pressed)
        case .ban(let id): return try await review(id, ban: true, card: pressed)
        }
        return nil
    }

    /// The text `key` in the person's language.
    func text(_ key: DatingText, _ values: [String: String] = [:]) -> String {
        texts(key, language, values)
    }

    /// Sends the text `key` to the person.
    func say(_ key: DatingText, _ values: [String: String] = [:], buttons: [[InlineButton]] = []) {
        context.send(OutgoingMessage(chatID: chatID, text: text(key, values), buttons: buttons))
    }

    /// A button labelled with the text `key` that carries `action`.
    func button(_ key: DatingText, _ action: DatingAction, _ values: [String: String] = [:]) -> InlineButton {
        .callback(text(key, values), data: action.data)
    }

    /// The caption of a profile's card, in `language`.
    func caption(of profile: DatingProfile, language: String?) -> String {
        texts(.card, language, [
            "name": profile.name ?? "", "age": profile.age.map(String.init) ?? "", "city": profile.city ?? "",
            "bio": profile.bio ?? "",
        ])
    }

    /// Takes the buttons off a message whose press was used up (a card after a like or skip), so
    /// it stays in the chat as a record and cannot be pressed again.
    func spend(_ pressed: Message?) {
        guard let pressed else { return }
        context.editButtons(ButtonsEdit(chatID: pressed.chat.id, messageID: pressed.id))
    }

    /// Replaces the text of a message the bot sent (a prompt whose buttons are spent), or sends
    /// the text when the message is gone.
    func replace(_ pressed: Message?, with key: DatingText) {
        guard let pressed else { return say(key) }
        context.edit(MessageEdit(chatID: pressed.chat.id, messageID: pressed.id, text: text(key)))
    }
}
