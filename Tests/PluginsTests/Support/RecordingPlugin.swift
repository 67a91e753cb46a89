import Foundation
import Synchronization
@testable import Tenant
import Storage
import GRDB

/// Plugin `P` as the real pipeline sees it (same name, migrations, interests and forgetting),
/// noting what it answered, what it threw and the update's ``Effects``, so ``PluginHarness``
/// can run updates through the real ``UpdateProcessor`` and still report them.
struct RecordingPlugin<P: Plugin>: Plugin {
    /// What the wrapped plugin's last ``handle(_:context:)`` left behind.
    struct Record: Sendable {
        /// What it answered, if it returned.
        var disposition: Disposition?
        /// What it threw, if it did.
        var error: (any Error)?
        /// The update's effects, shared by every plugin of its pipeline.
        var effects: Effects?
    }

    static var name: String { P.name }
    static var migrations: [PluginMigration] { P.migrations }

    /// Holds the ``Record``: written by ``handle(_:context:)``, read after the update committed.
    final class Recorder: Sendable {
        /// The last update's record.
        let record = Mutex(Record())

        /// A copy of ``record``.
        var last: Record { record.withLock { $0 } }
    }

    let wrapped: P
    /// Where ``handle(_:context:)`` notes what happened.
    let recorder = Recorder()

    init(configuration: P.Configuration, bot: BotDescriptor) throws {
        self.init(try P(configuration: configuration, bot: bot))
    }

    /// Wraps an existing plugin.
    init(_ plugin: P) {
        wrapped = plugin
    }

    var interests: Set<UpdateKind> { wrapped.interests }
    var instanceName: String { wrapped.instanceName }
    var observesHandledUpdates: Bool { wrapped.observesHandledUpdates }

    func handle(_ update: Update, context: PluginContext) async throws -> Disposition {
        recorder.record.withLock { $0 = Record(effects: context.effects) }
        do {
            let disposition = try await wrapped.handle(update, context: context)
            recorder.record.withLock { $0.disposition = disposition }
            return disposition
        } catch {
            recorder.record.withLock { $0.error = error }
            throw error
        }
    }

    func fire(_ job: ScheduledJob, context: PluginContext) async throws {
        try await wrapped.fire(job, context: context)
    }

    func forget(userID: Int64, in db: Database) throws {
        try wrapped.forget(userID: userID, in: db)
    }
}
