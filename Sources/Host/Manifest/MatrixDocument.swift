/// The `matrix:` block as written.
struct MatrixDocument: Decodable {
    var homeserverURL: String?
    var localpart: String?
    var displayName: String?
    var avatarURL: String?
    var messageType: String?

    /// The keys as the YAML spells them.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case homeserverURL = "homeserver_url"
        case localpart
        case displayName = "display_name"
        case avatarURL = "avatar_url"
        case messageType = "message_type"
    }

    /// Decodes each field softly: a bad one is recorded and left `nil`.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        homeserverURL = container.soft(String.self, forKey: .homeserverURL, in: decoder)
        localpart = container.soft(String.self, forKey: .localpart, in: decoder)
        displayName = container.soft(String.self, forKey: .displayName, in: decoder)
        avatarURL = container.soft(String.self, forKey: .avatarURL, in: decoder)
        messageType = container.soft(String.self, forKey: .messageType, in: decoder)
    }
}
