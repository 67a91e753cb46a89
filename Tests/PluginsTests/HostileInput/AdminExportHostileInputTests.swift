import Foundation
import PropertyBased
import Plugins
import Tenant
import Testing

/// Whatever an admin writes after `/export` or `/forget`: ASCII digits for a whole number from 1
/// export (or forget) that person, and anything else (signs, spaces, fractions, other scripts'
/// digits, numbers past 2^63-1, zero, words) gets the usage and touches nobody.
@Suite("Admin /export and /forget: hostile input", .timeLimit(.minutes(5)))
struct AdminExportHostileInputTests {
    static let argument = Gen.oneOf(
        Gen.int64().map { String($0) },
        Gen.number.string(of: 19...30),
        Gen<String?>.element(of: ["0", "+5", " 5", "5 ", "5.0", "1e3", "٣", "0x10", "-0", "9223372036854775807",
                                  "9223372036854775808", "alice", "5 6"]).map { $0! },
        Gen.letterOrNumber.string(of: 0...12))

    static func isPersonID(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber } && (Int64(text) ?? 0) >= 1
    }

    @Test("any argument: a person's id is exported or forgotten, anything else gets the usage")
    func anyArgument() async throws {
        let harness = try await PluginHarness<AdminPlugin>()
        await propertyCheck(count: 300, input: Self.argument) { argument in
            let exported = try await harness.handle(Updates.message("/export \(argument)", from: .admin))
            let forgotten = try await harness.handle(Updates.message("/forget \(argument)", from: .admin))
            // The command's arguments are the text after the command, trimmed.
            let trimmed = argument.trimmingCharacters(in: .whitespaces)
            if Self.isPersonID(trimmed) {
                #expect(exported.exported == [Int64(trimmed)!], "/export \(argument)")
                #expect(forgotten.forgotten == [Int64(trimmed)!], "/forget \(argument)")
            } else {
                #expect(exported.exported.isEmpty && forgotten.forgotten.isEmpty, "\(argument)")
                #expect(exported.sentTexts.first?.hasPrefix("Usage: /export <user id>") == true, "\(argument)")
                #expect(forgotten.sentTexts.first?.hasPrefix("Usage: /forget <user id>") == true, "\(argument)")
            }
        }
    }
}
