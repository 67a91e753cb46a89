import Foundation
import Tenant

extension RemotePlugin {
    /// Queues the answer's actions and state changes on `context`: they commit with the update.
    func apply(_ answer: RemoteAnswer, chatID: Int64?, personID: Int64?, context: PluginContext) throws {
        let plugin = instanceName
        let replyChat = context.replyChatID ?? 0
        for action in answer.actions {
            switch action {
            case .send(let message):
                context.send(message)
            case .reply(let text, let parseMode, let buttons, let quote):
                context.reply(text, parseMode: parseMode, buttons: buttons, quote: quote)
            case .edit(var edit, let chatGiven):
                if !chatGiven { edit.chatID = replyChat }
                context.edit(edit)
            case .editButtons(var edit, let chatGiven):
                if !chatGiven { edit.chatID = replyChat }
                context.editButtons(edit)
            case .answerCallback(let text, let showAlert):
                context.answerCallback(text: text, showAlert: showAlert)
            case .schedule(let key, let at, let chat, let payload):
                context.schedule(key, at: at, chatID: chat, payload: payload)
            case .cancelSchedule(let key, let chat):
                context.cancelSchedule(key, chatID: chat)
            }
        }
        let (chatChange, personChange) = (answer.chat, answer.person)
        let chatOwner = chatID ?? context.replyChatID
        guard !chatChange.isEmpty || !personChange.isEmpty else { return }
        context.storage.write { db in
            if let chatOwner, !chatChange.isEmpty {
                try RemoteStateStore.apply(chatChange, plugin: plugin, scope: .chat, owner: chatOwner, in: db)
            }
            if let personID, !personChange.isEmpty {
                try RemoteStateStore.apply(personChange, plugin: plugin, scope: .person, owner: personID, in: db)
            }
        }
    }
}
