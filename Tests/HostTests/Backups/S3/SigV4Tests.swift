import Crypto
import Foundation
@testable import Host
import Testing

/// ``SigV4`` against AWS's published Signature Version 4 test suite (``SigV4TestVectors``):
/// each raw request is signed, and its canonical request and `Authorization` header must be
/// the suite's, byte for byte.
@Suite("Backups: AWS Signature V4 test suite")
struct SigV4Tests {
    /// A vector's `.req` file as a request to sign.
    static func request(_ raw: String) throws -> SigV4.Request {
        let (head, body) =
            raw.range(of: "\n\n").map { (String(raw[..<$0.lowerBound]), String(raw[$0.upperBound...])) } ?? (raw, "")
        var lines = head.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst().split(separator: " ")
        try #require(requestLine.count == 3)
        let target = String(requestLine[1])
        let path = String(target.prefix { $0 != "?" })
        let query = target.dropFirst(path.count + 1).split(separator: "&").map { pair in
            (String(pair.prefix { $0 != "=" }), String(pair.drop { $0 != "=" }.dropFirst()))
        }
        let headers = lines.map { line in
            (String(line.prefix { $0 != ":" }), String(line.drop { $0 != ":" }.dropFirst()))
        }
        return SigV4.Request(
            method: String(requestLine[0]),
            path: path,
            query: query,
            headers: headers,
            payloadHash: SigV4.hex(SHA256.hash(data: Data(body.utf8)))
        )
    }

    @Test(
        "every copied vector: the canonical request and the Authorization header are the suite's",
        arguments: SigV4TestVectors.all.map(\.name)
    )
    func vector(_ name: String) throws {
        let vector = try #require(SigV4TestVectors.all.first { $0.name == name })
        let request = try Self.request(vector.request)
        #expect(SigV4.canonicalRequest(request).0 == vector.canonicalRequest)
        let authorization = SigV4.authorization(
            request,
            accessKey: SigV4TestVectors.accessKey,
            secretKey: SigV4TestVectors.secretKey,
            region: "us-east-1",
            service: "service"
        )
        #expect(authorization == vector.authorization)
    }

    @Test("S3's own example (GET Object with a Range): the signature AWS documents")
    func s3Example() {
        // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object".
        let request = SigV4.Request(
            method: "GET",
            path: "/test.txt",
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", SigV4.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: SigV4.emptyPayloadHash
        )
        let authorization = SigV4.authorization(
            request,
            accessKey: "AKIAIOSFODNN7EXAMPLE",
            secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "s3"
        )
        #expect(authorization.hasSuffix("Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"))
    }
}
