/// The built-in stand-in for a model (`base_url: offline`): a canned, clearly marked answer, so
/// a demo works with no network and no key.
///
/// It repeats what the person said inside a note that no model is connected. Asked for a
/// profile (a JSON answer), it answers `{}`, which changes nothing.
struct OfflineChatModel: ChatModel {
    /// The marker every offline answer starts with.
    static let marker = "[offline demo]"

    func complete(_ request: ChatRequest) async throws(ModelFailure) -> String {
        if request.wantsJSON { return "{}" }
        let said = request.messages.last(where: { $0.role == .user })?.content ?? ""
        let quoted = said.count > 200 ? String(said.prefix(200)) + "…" : said
        return "\(Self.marker) You said: “\(quoted)”. No language model is connected to this companion; "
            + "set base_url, model and an API key in its manifest to talk to a real one."
    }
}
