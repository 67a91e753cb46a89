/// A decoding error located in the YAML document, before the file name is attached.
struct LocatedError: Error, Sendable, Equatable {
    /// The 1-based line, when known.
    var line: Int?
    /// The key path (`telegram.poll_timeout`); empty for the document itself.
    var path: String
    /// What is wrong and what to do.
    var message: String
}
