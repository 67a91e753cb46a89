import AsyncHTTPClient
import Foundation
import Logging
import Tenant
@testable import Host
import Testing

/// A bot's media calls against a real Synapse: uploads, and downloads through the
/// authenticated media API, which Synapse requires for media uploaded since it froze the old one.
@Suite("End to end: Matrix media", .serialized, .timeLimit(.minutes(3)))
struct MatrixMediaEndToEndTests {
    @Test("a bot uploads bytes and downloads them, and a person's upload, through the authenticated API; bad URLs refused")
    func uploadAndDownload() async throws {
        let testbed = try await MatrixTestbed()
        let store = try MatrixStore(dataDirectory: "\(testbed.sandbox.root.path)/direct")
        let client = try testbed.client("aviary_media", store: store)
        _ = try await client.identify()
        let bytes = Data((0..<5_000).map { UInt8($0 % 251) })
        let mine = try await client.upload(bytes, contentType: "application/octet-stream", fileName: "blob.bin")
        #expect(mine.hasPrefix("mxc://localhost/"))
        #expect(try await client.download(mine) == bytes)
        let ann = try testbed.people(["ann"])[0]
        let hers = try await ann.upload(MatrixDatingEndToEndTests.png, contentType: "image/png", fileName: "a.png")
        #expect(try await client.download(hers) == MatrixDatingEndToEndTests.png)
        for bad in ["https://example.org/a.png", "mxc://", "mxc://localhost", "mxc:///id", "mxc://localhost/"] {
            await #expect(throws: PlatformError.self, "\(bad)") { try await client.download(bad) }
        }
        do {
            _ = try await client.download("mxc://localhost/NoSuchMediaHere")
            Issue.record("a missing file downloaded")
        } catch let error as PlatformError {
            #expect(error.kind == .permanent, "\(error)")
        }
        try await testbed.stop()
    }
}
