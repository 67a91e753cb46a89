import Foundation
import GRDB
import Logging
import Storage
import Testing
@testable import Host

/// `aviary audit verify` on a real host database: intact, then with one record changed behind
/// the triggers' back.
@Suite("aviary audit verify", .serialized, .timeLimit(.minutes(2)))
struct AuditVerifyEndToEndTests {
    static func verify(_ sandbox: HostSandbox) async throws -> (Int32, String) {
        let process = try AviaryProcess(
            arguments: ["audit", "verify", "--data-dir", sandbox.dataDirectory],
            logPath: sandbox.logPath
        )
        let status = try await process.waitForExit()
        return (status, try String(contentsOfFile: sandbox.logPath, encoding: .utf8))
    }

    @Test("the reproduction: a changed record makes audit verify fail, naming it")
    func brokenChainFails() async throws {
        let sandbox = try HostSandbox()
        let database = try HostDatabase.open(dataDirectory: sandbox.dataDirectory)
        let log = AuditLog(database: database, logger: Logger(label: "audit-test"))
        for action in ["manifest.created", "manifest.edited", "manifest.deleted"] {
            await log.record(AuditEntry(actor: "brand:han", action: action, bot: "delta", brand: "han", outcome: "ok"))
        }
        let (intact, intactOutput) = try await Self.verify(sandbox)
        #expect(intact == 0, "\(intactOutput)")
        #expect(intactOutput.contains("audit log intact: 3 record(s)"), "\(intactOutput)")

        try await database.writer.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET actor = 'admin' WHERE id = 2")
        }
        let (broken, brokenOutput) = try await Self.verify(sandbox)
        #expect(broken == 1, "\(brokenOutput)")
        #expect(brokenOutput.contains("audit log broken at record 2"), "\(brokenOutput)")
    }
}
