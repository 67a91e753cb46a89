import Storage
/// What a chat's lane runs, in order: stored updates and the plugins' due jobs.
enum InboxWork: Sendable {
    /// An update from the inbox, with its neutral form when it was decoded on receipt (an
    /// update read back at start-up is decoded when dispatched).
    case update(InboxRecord, Update?)
    /// A job a plugin scheduled for the chat.
    case job(ScheduledJobRecord)

    /// The lane: the update's, or the job's chat.
    var lane: Int64 {
        switch self {
        case .update(let record, _): record.lane
        case .job(let job): job.chatID
        }
    }
}
