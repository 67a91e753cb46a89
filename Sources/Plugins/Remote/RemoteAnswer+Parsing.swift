public import Foundation
import Tenant

extension RemoteAnswer {
    /// The action kinds version 1 knows.
    public static let actionKinds = [
        "send", "reply", "edit", "edit_buttons", "answer_callback", "schedule", "cancel_schedule",
    ]

    /// Parses and checks an answer body.
    ///
    /// - Parameter now: The time a call-back's `at` is checked against (``RemoteLimits/scheduleHorizon``).
    /// - Throws: ``RemoteAnswerError`` naming the first value that is wrong or over a limit.
    public init(parsing body: Data, now: Date) throws(RemoteAnswerError) {
        try self.init(parsing: [UInt8](body), now: now)
    }

    /// Parses and checks an answer body's bytes (``RemoteJSONReader``, no `JSONSerialization`).
    init(parsing body: [UInt8], now: Date) throws(RemoteAnswerError) {
        guard body.count <= RemoteLimits.answerBytes else {
            throw RemoteAnswerError(path: "", message: "the answer has more than \(RemoteLimits.answerBytes) bytes")
        }
        let json: RemoteJSON
        do {
            json = try RemoteJSONReader.read(body)
        } catch {
            throw RemoteAnswerError(path: "", message: "the answer is not JSON: \(error)")
        }
        let root = try Field(value: json, path: "", source: body).object(keys: ["disposition", "actions", "state"])
        switch try root.required("disposition").string() {
        case "handled": disposition = .handled
        case "passed": disposition = .passed
        case let other:
            throw RemoteAnswerError(
                path: "disposition",
                message: "expected 'handled' or 'passed', found '\(other.prefix(40))'"
            )
        }
        let actionList = try root.optional("actions")?.array(max: RemoteLimits.actions) ?? []
        actions = try actionList.map { field throws(RemoteAnswerError) in try RemoteAction(parsing: field, now: now) }
        let state = try root.optional("state")?.object(keys: ["chat", "person"])
        chat =
            try state?.optional("chat").map { field throws(RemoteAnswerError) in try RemoteStateChange(parsing: field) }
            ?? RemoteStateChange()
        person =
            try state?.optional("person").map { field throws(RemoteAnswerError) in try RemoteStateChange(parsing: field)
            }
            ?? RemoteStateChange()
    }
}

extension RemoteStateChange {
    init(parsing field: Field) throws(RemoteAnswerError) {
        let object = try field.object(keys: ["set", "delete"])
        if let set = object.optional("set") {
            let pairs = try set.object(keys: nil)
            guard pairs.values.count <= RemoteLimits.changesPerScope else {
                throw set.error("more than \(RemoteLimits.changesPerScope) keys")
            }
            for (key, value) in pairs.values {
                try Field.checkKey(key, path: set.path)
                let data = value.compactText(in: set.source)
                guard data.count <= RemoteLimits.valueBytes else {
                    throw RemoteAnswerError(
                        path: "\(set.path).\(key)",
                        message: "the value is over \(RemoteLimits.valueBytes) bytes as JSON"
                    )
                }
                setValues[key] = Data(data)
            }
        }
        if let deleted = object.optional("delete") {
            for item in try deleted.array(max: RemoteLimits.changesPerScope) {
                let key = try item.string()
                try Field.checkKey(key, path: item.path)
                deletedKeys.append(key)
            }
        }
    }
}

/// One value of a parsed answer with its path, for errors that say where.
struct Field {
    /// The JSON value.
    let value: RemoteJSON
    /// Where it is (`actions[1].text`).
    let path: String
    /// The answer's bytes the value was read from.
    let source: [UInt8]

    /// An error at this value.
    func error(_ message: String) -> RemoteAnswerError {
        RemoteAnswerError(path: path, message: message)
    }

    /// An object whose keys are among `keys` (any keys when `nil`).
    func object(keys: Set<String>?) throws(RemoteAnswerError) -> FieldObject {
        guard case .object(let members) = value.kind else { throw error("expected an object, found \(kind)") }
        if let keys, let unknown = members.map(\.key).sorted().first(where: { !keys.contains($0) }) {
            throw error("unknown key '\(unknown.prefix(40))' (known: \(keys.sorted().joined(separator: ", ")))")
        }
        return FieldObject(values: members, path: path, source: source)
    }

    /// An array of at most `max` items.
    func array(max: Int) throws(RemoteAnswerError) -> [Field] {
        guard case .array(let array) = value.kind else { throw error("expected an array, found \(kind)") }
        guard array.count <= max else { throw error("more than \(max) items") }
        return array.enumerated().map { Field(value: $1, path: "\(path)[\($0)]", source: source) }
    }

    /// A string.
    func string() throws(RemoteAnswerError) -> String {
        guard case .string(let string) = value.kind else { throw error("expected a string, found \(kind)") }
        return string
    }

    /// A string of at most `max` characters.
    func text(max: Int) throws(RemoteAnswerError) -> String {
        let string = try string()
        guard string.count <= max else { throw error("longer than \(max) characters") }
        return string
    }

    /// A whole number.
    func integer() throws(RemoteAnswerError) -> Int64 {
        guard case .number(let number) = value.kind, number.rounded() == number, abs(number) < 9e15 else {
            throw error("expected a whole number, found \(kind)")
        }
        return Int64(number)
    }

    /// A number.
    func number() throws(RemoteAnswerError) -> Double {
        guard case .number(let number) = value.kind else { throw error("expected a number, found \(kind)") }
        return number
    }

    /// A boolean.
    func bool() throws(RemoteAnswerError) -> Bool {
        guard case .bool(let bool) = value.kind else { throw error("expected true or false, found \(kind)") }
        return bool
    }

    /// Refuses a state or job key that is empty, too long, or has characters outside
    /// letters, digits and `-_.:`.
    static func checkKey(_ key: String, path: String) throws(RemoteAnswerError) {
        guard !key.isEmpty, key.utf8.count <= RemoteLimits.keyBytes,
            key.utf8.allSatisfy({ Self.keyBytes.contains($0) })
        else {
            throw RemoteAnswerError(
                path: path,
                message: "keys have 1 to \(RemoteLimits.keyBytes) letters, digits or '-_.:'"
            )
        }
    }

    private static let keyBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:".utf8)

    /// The JSON kind of the value, for errors.
    private var kind: String { value.kindName }
}

/// An object of a parsed answer.
struct FieldObject {
    /// Its members, in the order written.
    let values: [(key: String, value: RemoteJSON)]
    /// Where it is.
    let path: String
    /// The answer's bytes.
    let source: [UInt8]

    /// The member `key`, `nil` when absent or null.
    func optional(_ key: String) -> Field? {
        guard let member = values.first(where: { $0.key == key }) else { return nil }
        if case .null = member.value.kind { return nil }
        return Field(value: member.value, path: path.isEmpty ? key : "\(path).\(key)", source: source)
    }

    /// The member `key`.
    func required(_ key: String) throws(RemoteAnswerError) -> Field {
        guard let field = optional(key) else {
            throw RemoteAnswerError(path: path.isEmpty ? key : "\(path).\(key)", message: "missing")
        }
        return field
    }
}
