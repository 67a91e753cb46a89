import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Testing
@testable import Host

/// The README's sandbox walk-through ("The shipped bots"), call by call, against the shipped
/// `bots.d/han-demo.yaml`: every write and press is accepted, and each answer holds the texts its
/// `# →` comment quotes (issue #18, item 6: the walk-through sent a photo while the wizard asked
/// for a name).
@Suite("README: the sandbox walk-through", .timeLimit(.minutes(3)))
struct SandboxWalkthroughTests {
    /// One `api -d '<body>' "$han/<path>"` line of the walk-through.
    struct Step {
        var body: String
        var path: String
        /// The texts quoted after `# →` on the same line.
        var expected: [String]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The walk-through's calls, in order, from the first `sh` block of "## The shipped bots".
    static func steps() throws -> [Step] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## The shipped bots").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        return block.split(separator: "\n").compactMap { line -> Step? in
            guard line.hasPrefix("api -d '") else { return nil }
            let afterBody = line.dropFirst("api -d '".count)
            guard let bodyEnd = afterBody.firstIndex(of: "'") else { return nil }
            let rest = afterBody[afterBody.index(after: bodyEnd)...]
            let parts = rest.components(separatedBy: "# →")
            let path = parts[0].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let quoted = parts.count > 1 ? parts[1].components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element) : []
            return Step(body: String(afterBody[..<bodyEnd]), path: path.replacingOccurrences(of: "$han", with: "/api/v1/bots/han-demo/sandbox"), expected: quoted)
        }
    }

    @Test("each call of the walk-through is accepted and its answer holds what the README says, in one call")
    func walkthrough() async throws {
        let steps = try Self.steps()
        #expect(steps.count >= 10, "the walk-through has \(steps.count) calls")
        #expect(steps.contains { $0.body.contains(#""photo""#) })
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("bots.d/han-demo.yaml"), encoding: .utf8)
        let host = try await HTTPTestHost.start(extraManifests: ["han-demo": manifest])
        let headers: HTTPFields = [.authorization: "Bearer \(HTTPTestHost.adminToken)", .contentType: "application/json"]
        try await host.withClient { client in
            for step in steps {
                let answer = try await client.execute(
                    uri: step.path, method: .post, headers: headers, body: ByteBuffer(string: step.body))
                #expect(answer.status == .accepted, "\(step.body): \(String(buffer: answer.body))")
                let json = try #require(JSONSerialization.jsonObject(with: Data(buffer: answer.body)) as? [String: Any])
                #expect(json["answered"] as? Bool == true, "\(step.body)")
                let texts = (json["messages"] as? [[String: Any]] ?? []).filter { $0["from"] as? String == "bot" }
                    .compactMap { $0["text"] as? String }
                for expected in step.expected {
                    #expect(texts.contains { $0.hasPrefix(expected) }, "\(step.body): \(expected) not in \(texts)")
                }
            }
        }
        await host.stop()
    }
}
