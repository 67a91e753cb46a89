import Foundation

/// Builds the prompts the companion sends: a conversation turn, and a profile update.
struct CompanionPrompt {
    /// The brand's system prompt, in the reader's language.
    var systemPrompt: String
    /// Whether the companion must say it is an AI when asked.
    var discloses: Bool

    /// The prompt for answering `text`: the system prompt with the local time and the profile,
    /// then the history, then the new message.
    func conversation(
        text: String, history: [CompanionTurn], profile: CompanionProfile, now: Date, timeZone: TimeZone
    ) -> ChatRequest {
        var context = [systemPrompt, "", Self.localTime(now, in: timeZone)]
        if discloses {
            context.append(
                "If you are asked whether you are a bot, a program or a person, say plainly that you are an AI.")
        }
        if !profile.isEmpty {
            context.append("What you know about the person (JSON): \(profile.json)")
        }
        let turns = history.map { ChatMessage(role: $0.role, content: $0.text) }
        return ChatRequest(
            messages: [ChatMessage(role: .system, content: context.joined(separator: "\n"))] + turns
                + [ChatMessage(role: .user, content: text)])
    }

    /// The prompt asking for the person's updated profile as one JSON object.
    static func profileUpdate(profile: CompanionProfile, history: [CompanionTurn]) -> ChatRequest {
        let instructions = """
            You keep a short profile of the person you chat with. From the current profile and the recent \
            conversation, write the updated profile as one JSON object with the keys name (string), age \
            (number), city (string), interests (list of short phrases), facts (list of short sentences) and \
            notes (string). Keep what is still true, add what you learned, leave out keys you know nothing \
            about, at most \(CompanionProfile.maximumItems) interests and facts. Answer with the JSON object only.
            """
        let transcript = history.map { "\($0.role == .user ? "person" : "you"): \($0.text)" }.joined(separator: "\n")
        return ChatRequest(
            messages: [
                ChatMessage(role: .system, content: instructions),
                ChatMessage(role: .user, content: "Current profile: \(profile.json)\n\nConversation:\n\(transcript)"),
            ],
            wantsJSON: true)
    }

    /// The profile in a model's answer: the first `{` to the last `}` (models like to wrap JSON
    /// in prose or code fences), or `nil` when that is no JSON object.
    static func profile(inAnswer answer: String) -> CompanionProfile? {
        guard let start = answer.firstIndex(of: "{"), let end = answer.lastIndex(of: "}"), start < end,
            let object = try? JSONSerialization.jsonObject(with: Data(answer[start...end].utf8)) as? [String: Any]
        else { return nil }
        return CompanionProfile(lenient: object)
    }

    /// `The person's local time: Thursday 21:14 (evening), time zone Europe/Riga.`
    static func localTime(_ date: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.locale = Locale(identifier: "en_US_POSIX")
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: date)
        let hour = parts.hour ?? 0
        let weekday = calendar.weekdaySymbols[((parts.weekday ?? 1) - 1) % 7]
        let clock = String(format: "%02d:%02d", hour, parts.minute ?? 0)
        let part = partOfDay(hour: hour)
        return "The person's local time: \(weekday) \(clock) (\(part)), time zone \(timeZone.identifier)."
    }

    private static func partOfDay(hour: Int) -> String {
        switch hour {
        case 5..<12: "morning"
        case 12..<17: "afternoon"
        case 17..<22: "evening"
        default: "night"
        }
    }
}
