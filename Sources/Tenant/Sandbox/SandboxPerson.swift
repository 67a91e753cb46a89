/// Who acts in a sandbox conversation, as a request names them: an id, and a name and a
/// language only when the request gives them.
///
/// What a request leaves out is taken from how the person last presented themselves, so a call
/// that gives only `user_id` never renames someone the bot already knows.
public struct SandboxPerson: Sendable, Hashable {
    /// The person's id, which is also their chat's.
    public var id: Int64
    /// Their first name, when the request gives one.
    public var firstName: String?
    /// Their client's language, when the request gives one.
    public var languageCode: String?

    /// A person as a request names them.
    public init(id: Int64, firstName: String? = nil, languageCode: String? = nil) {
        self.id = id
        self.firstName = firstName
        self.languageCode = languageCode
    }

    /// A person exactly as `user` presents them.
    public init(_ user: User) {
        self.init(id: user.id, firstName: user.firstName, languageCode: user.languageCode)
    }

    /// The person as the bot sees them: what the request gives, else what `known` (how they
    /// last presented themselves) says, else `User <id>` and no language.
    public func resolved(knowing known: User?) -> User {
        User(
            id: id, firstName: firstName ?? known?.firstName ?? "User \(id)",
            languageCode: languageCode ?? known?.languageCode)
    }
}
