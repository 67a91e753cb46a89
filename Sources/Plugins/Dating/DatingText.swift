/// Every text the `dating` plugin sends, by the key a manifest overrides it with (`ask_name`).
///
/// Texts may hold placeholders in braces (`{name}`); an override may use those of the default
/// text and no others. ``defaultText`` has the English and Russian defaults.
enum DatingText: String, CaseIterable, Sendable {
    // The wizard.
    case welcome
    case welcomeBack = "welcome_back"
    case askName = "ask_name"
    case askAge = "ask_age"
    case askGender = "ask_gender"
    case askSeeking = "ask_seeking"
    case askCity = "ask_city"
    case askBio = "ask_bio"
    case askPhoto = "ask_photo"
    case invalidName = "invalid_name"
    case invalidAge = "invalid_age"
    case tooYoung = "too_young"
    case invalidChoice = "invalid_choice"
    case invalidCity = "invalid_city"
    case invalidBio = "invalid_bio"
    case invalidPhoto = "invalid_photo"
    case profileReady = "profile_ready"
    case finishProfile = "finish_profile"

    // The profile.
    case card
    case notePaused = "note_paused"
    case noteReview = "note_review"
    case paused
    case resumed
    case deleteConfirm = "delete_confirm"
    case deleted
    case cancelled
    case banned

    // Browsing, matches and relayed messages.
    case noCandidates = "no_candidates"
    case cardExpired = "card_expired"
    case resumeFirst = "resume_first"
    case underReview = "under_review"
    case likeLimit = "like_limit"
    case reportPrompt = "report_prompt"
    case reported
    case blocked
    case matchLink = "match_link"
    case matchRelay = "match_relay"
    case relayPrompt = "relay_prompt"
    case relayMessage = "relay_message"
    case relaySent = "relay_sent"
    case relayTextOnly = "relay_text_only"
    case relayUnavailable = "relay_unavailable"

    // Moderation.
    case moderationCard = "moderation_card"
    case moderationEmpty = "moderation_empty"
    case approved
    case bannedByAdmin = "banned_by_admin"

    // Buttons and reasons.
    case buttonMan = "button_man"
    case buttonWoman = "button_woman"
    case buttonMen = "button_men"
    case buttonWomen = "button_women"
    case buttonAnyone = "button_anyone"
    case buttonBrowse = "button_browse"
    case buttonLike = "button_like"
    case buttonSkip = "button_skip"
    case buttonReport = "button_report"
    case buttonBlock = "button_block"
    case buttonEditName = "button_edit_name"
    case buttonEditAge = "button_edit_age"
    case buttonEditGender = "button_edit_gender"
    case buttonEditSeeking = "button_edit_seeking"
    case buttonEditCity = "button_edit_city"
    case buttonEditBio = "button_edit_bio"
    case buttonEditPhoto = "button_edit_photo"
    case buttonPause = "button_pause"
    case buttonResume = "button_resume"
    case buttonDelete = "button_delete"
    case buttonDeleteConfirm = "button_delete_confirm"
    case buttonCancel = "button_cancel"
    case buttonWrite = "button_write"
    case buttonReply = "button_reply"
    case buttonApprove = "button_approve"
    case buttonBan = "button_ban"
    case reasonSpam = "reason_spam"
    case reasonFake = "reason_fake"
    case reasonAbuse = "reason_abuse"
    case reasonUnderage = "reason_underage"
    case reasonOther = "reason_other"

    /// The placeholders the default text uses (`["name", "age"]`), which overrides may use too.
    var placeholders: Set<String> {
        TextTemplate.placeholders(in: defaultText.en)
    }
}
