public import Foundation
public import Tenant

/// A plugin's answer, checked against ``RemoteLimits``: what it did with the update, the
/// actions to take and the state to change, all applied in the update's transaction.
public struct RemoteAnswer: Sendable, Equatable {
    /// `handled` or `passed`.
    public var disposition: Disposition
    /// The actions, in order.
    public var actions: [RemoteAction]
    /// Keys set and deleted in the chat's state.
    public var chat: RemoteStateChange
    /// Keys set and deleted in the person's state.
    public var person: RemoteStateChange
}

/// One action of an answer; the same a built-in plugin can take.
public enum RemoteAction: Sendable, Equatable {
    /// A message to any chat.
    case send(OutgoingMessage)
    /// A message to the update's chat; `quote` answers the update's message.
    case reply(text: String, parseMode: ParseMode?, buttons: [[InlineButton]], quote: Bool)
    /// A new text (or caption) of a message the bot sent; the chat is the update's when `nil`.
    case edit(MessageEdit, chatGiven: Bool)
    /// New buttons of a message the bot sent; the chat is the update's when `nil`.
    case editButtons(ButtonsEdit, chatGiven: Bool)
    /// The answer to the update's button press.
    case answerCallback(text: String?, showAlert: Bool)
    /// A call-back to this plugin (a `job` event) at `at`, for a chat (the update's when `nil`).
    case schedule(key: String, at: Date, chatID: Int64?, payload: String)
    /// Cancels a call-back of this plugin.
    case cancelSchedule(key: String, chatID: Int64?)
}

/// Keys set (values as JSON text) and deleted in one scope's state.
public struct RemoteStateChange: Sendable, Equatable {
    /// The keys set, with each value's JSON.
    public var setValues: [String: Data] = [:]
    /// The keys deleted.
    public var deletedKeys: [String] = []

    /// Whether the change changes nothing.
    public var isEmpty: Bool { setValues.isEmpty && deletedKeys.isEmpty }
}

/// An answer the host refuses, with where in it and why.
public struct RemoteAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The path of the value at fault (`actions[2].kind`), empty for the whole answer.
    public var path: String
    /// What is wrong.
    public var message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
