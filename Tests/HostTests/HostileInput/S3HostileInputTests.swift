import Foundation
@testable import Host
import PropertyBased
import Testing

/// The S3 destination's inputs as hostile input: the URL an operator writes (bucket, prefix,
/// endpoint, settings), the credentials file, and what a store answers (listing pages, the
/// keys in them). Each test is a class of input with many generated members; no key of the
/// credentials is ever quoted back.
@Suite("S3 destination hostile input", .timeLimit(.minutes(5)))
struct S3HostileInputTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let keys = ["AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": secret]

    /// Text made of `alphabet`, up to `length` characters.
    static func text(_ alphabet: String, _ length: ClosedRange<Int>) -> Generator<
        String, some Sequence & SendableMetatype
    > {
        Gen.element(of: Array(alphabet)).compactMap { $0 }.array(of: length).map { String($0) }
    }

    /// Text made of whole `parts`, up to `count` of them.
    static func pieces(_ parts: [String], _ count: ClosedRange<Int>) -> Generator<
        String, some Sequence & SendableMetatype
    > {
        Gen.element(of: parts).compactMap { $0 }.array(of: count).map { $0.joined() }
    }

    static let lowerOrDigit = Set("abcdefghijklmnopqrstuvwxyz0123456789")

    /// The part an ``S3LocationError`` names; `nil` for any other error.
    static func field(_ error: any Error) -> String? { (error as? S3LocationError)?.field }

    @Test("a bucket name is accepted exactly when S3 would accept it; any other is an error naming bucket")
    func bucketNames() async {
        // Names of any characters, and names of only the characters buckets have (where the
        // rules about dots, dashes and ends decide).
        for names in [Self.text("abz09.-_A é/@:x", 0...70), Self.text("ab09.-", 0...66)] {
            await propertyCheck(count: 3_000, input: names) { bucket in
                let characters = Array(bucket)
                let oracle =
                    (3...63).contains(bucket.utf8.count)
                    && characters.allSatisfy { Self.lowerOrDigit.contains($0) || $0 == "." || $0 == "-" }
                    && Self.lowerOrDigit.contains(characters.first ?? " ")
                    && Self.lowerOrDigit.contains(characters.last ?? " ")
                    && !bucket.contains("..") && !bucket.contains(".-") && !bucket.contains("-.")
                    && !bucket.hasPrefix("xn--") && !bucket.hasSuffix("-s3alias")
                do {
                    try S3Location.checkBucket(bucket)
                    #expect(oracle, "accepted '\(bucket)'")
                } catch {
                    #expect(Self.field(error) == "bucket")
                    #expect(!oracle || bucket.split(separator: ".").count == 4, "refused '\(bucket)': \(error)")
                }
            }
        }
        // The valid class: labels of letters and digits joined by single dashes or dots.
        let labels = Self.text("abcdefghijklmnopqrstuvwxyz0123456789", 1...10).array(of: 1...5)
        let separators = Gen.element(of: ["-", "."]).compactMap { $0 }
        await propertyCheck(count: 1_000, input: zip(labels, separators)) { labels, separator in
            let bucket = labels.joined(separator: separator)
            guard (3...63).contains(bucket.count), !bucket.hasPrefix("xn--"), !(separator == "." && labels.count == 4)
            else { return }
            do {
                try S3Location.checkBucket(bucket)
            } catch {
                Issue.record("refused '\(bucket)': \(error)")
            }
        }
    }

    @Test(
        "a prefix is folder names of safe characters joined by '/', normalized to end in '/', or an error naming prefix"
    )
    func prefixes() async {
        await propertyCheck(
            count: 3_000,
            input: Self.text("aZ09._-/ %é\\\0?..", 0...40).map { (text: String) -> String in "/" + text }
        ) { path in
            do {
                let prefix = try S3Location.checkPrefix(path)
                guard !prefix.isEmpty else {
                    #expect(path == "/", "\(path)")
                    return
                }
                #expect(prefix.hasSuffix("/") && !prefix.hasPrefix("/") && !prefix.contains("//"), "\(prefix)")
                let segments = prefix.dropLast().split(separator: "/", omittingEmptySubsequences: false)
                #expect(segments.allSatisfy { $0 != "." && $0 != ".." && !$0.isEmpty }, "\(prefix)")
                #expect(prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-/".contains($0)) })
            } catch {
                #expect(Self.field(error) == "prefix")
            }
        }
        let segment = Self.text("abcXYZ019._-", 1...12).filter { $0 != "." && $0 != ".." }
        await propertyCheck(count: 1_000, input: segment.array(of: 1...6)) { segments in
            #expect(
                (try? S3Location.checkPrefix("/" + segments.joined(separator: "/"))) == segments.joined(separator: "/")
                    + "/"
            )
        }
        #expect(throws: S3LocationError.self) {
            try S3Location.checkPrefix("/" + String(repeating: "a/", count: 300))
        }
    }

    @Test("an endpoint is http(s)://host[:port] with a real port, or an error naming endpoint")
    func endpoints() async {
        let schemes = Gen.element(of: ["http://", "https://", "ftp://", "HTTP://", "", "http:"]).compactMap { $0 }
        let hosts = Gen.element(of: [
            "127.0.0.1", "minio.internal", "[::1]", "S3.Example.COM", "a..b", "-a", "x_y", "",
            "user:\(Self.secret)@host",
            "h/o", "ex ample", String(repeating: "a", count: 64), "é.com",
        ]).compactMap { $0 }
        let ports = Gen.element(of: ["", ":0", ":1", ":9000", ":65535", ":65536", ":99999", ":-1", ":+9", ":abc", ":"])
            .compactMap { $0 }
        let tails = Gen.element(of: ["", "/", "/path", "?q=1", "#f"]).compactMap { $0 }
        await propertyCheck(count: 2_000, input: zip(schemes, hosts, ports, tails)) { scheme, host, port, tail in
            let endpoint = scheme + host + port + tail
            let url =
                "s3://aviary-backups?endpoint=\(endpoint.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let good =
                ["http://", "https://"].contains(scheme)
                && ["127.0.0.1", "minio.internal", "[::1]", "S3.Example.COM"]
                    .contains(host)
                && [":1", ":9000", ":65535", ""].contains(port) && ["", "/"].contains(tail)
            do {
                let location = try S3Location.parse(url, environment: Self.keys)
                #expect(good, "accepted \(endpoint)")
                #expect(location.host == host.lowercased() && location.scheme + "://" == scheme)
                #expect(location.port == Int(port.dropFirst()))
            } catch {
                #expect(!good, "refused \(endpoint): \(error)")
                #expect(["endpoint", "url"].contains(Self.field(error) ?? ""), "\(error)")
                #expect(!"\(error)".contains(Self.secret))
            }
        }
    }

    @Test("any s3:// text is a location or an error naming its part; neither ever shows a key written into it")
    func wholeURLs() async {
        let parts = [
            "aviary-backups", "/", "pre", "?", "&", "=", "endpoint=", "http://", "127.0.0.1:9000", "region=",
            "eu-west-1",
            "path_style=", "true", "credentials_file=", "/nonexistent", "user:\(Self.secret)@", "%2F", "#", " ", "..",
        ]
        await propertyCheck(
            count: 3_000,
            input: Self.pieces(parts, 0...9).map { (text: String) -> String in "s3://" + text }
        ) { url in
            do {
                let location = try S3Location.parse(url, environment: Self.keys)
                #expect(!url.contains("@"), "a location with '@' was accepted: \(url)")
                #expect(!"\(location)".contains(Self.secret) && !String(reflecting: location).contains(Self.secret))
            } catch {
                #expect(
                    ["url", "bucket", "prefix", "endpoint", "region", "path_style", "credentials_file"]
                        .contains(Self.field(error) ?? ""),
                    "\(error)"
                )
                #expect(!"\(error)".contains(Self.secret), "\(error)")
            }
        }
        // Where random pieces rarely land: a key pasted into each setting's value.
        for setting in ["endpoint=http://", "region=", "path_style=", "credentials_file=/tmp/", "credentials_file="] {
            let url = "s3://aviary-backups?\(setting)user:\(Self.secret)@host"
            do {
                _ = try S3Location.parse(url, environment: Self.keys)
                Issue.record("accepted \(url)")
            } catch {
                #expect(!"\(error)".contains(Self.secret), "\(error)")
            }
        }
    }

    @Test("any credentials file gives printable keys or an error naming credentials_file that quotes no key")
    func credentialsFiles() async throws {
        let folder = try TemporaryFolder()
        let lines = [
            "aws_access_key_id = AKIDEXAMPLE", "aws_secret_access_key = \(Self.secret)",
            "aws_secret_access_key=\(Self.secret)\r",
            "[default]", "[other]", "# comment", "garbage", "aws_session_token = ", "aws_access_key_id = a b",
            "aws_session_token = \(String(repeating: "t", count: 9_000))", "aws_access_key_id = \u{0}", "",
        ]
        let files = Gen.element(of: lines).compactMap { $0 }.array(of: 0...6).map { $0.joined(separator: "\n") }
        await propertyCheck(count: 1_000, input: files) { text in
            let path = folder.path + "/credentials-\(UUID().uuidString)"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            defer { unlink(path) }
            do {
                let credentials = try S3Credentials.resolve(file: path, environment: [:])
                for value in [credentials.accessKey, credentials.secretKey, credentials.sessionToken ?? "x"] {
                    #expect(value.utf8.allSatisfy { (33...126).contains($0) }, "\(text)")
                }
                #expect(!"\(credentials)".contains(Self.secret))
            } catch {
                #expect(Self.field(error) == "credentials_file", "\(error)")
                #expect(!"\(error)".contains(Self.secret) && !"\(error)".contains("AKIDEXAMPLE"), "\(error)")
            }
        }
    }

    @Test("a listed key names a snapshot only when it is exactly <prefix><bot>/<name>.json")
    func listedKeys() async {
        let name = "han-ru-20261207T143000.250Z"
        let parts = [
            "backups/", "han-ru", "/", name, ".json", ".sqlite", "..", "x", "%2F", "other-20261207T143000.250Z",
        ]
        await propertyCheck(count: 3_000, input: Self.pieces(parts, 0...7)) { key in
            if let parsed = S3SnapshotStore.snapshotName(ofEntryKey: key, prefix: "backups/") {
                #expect(key == "backups/\(parsed.botID)/\(parsed).json", "\(key)")
            }
        }
        let ids = BackupHostileInputTests.botIDs
        await propertyCheck(count: 500, input: zip(ids, BackupHostileInputTests.moments)) { id, milliseconds in
            let name = SnapshotName(botID: id, takenAt: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            #expect(S3SnapshotStore.snapshotName(ofEntryKey: "p/q/\(id)/\(name).json", prefix: "p/q/") == name)
        }
    }

    @Test("any listing page is read within its bounds or refused; escaped keys come back as written")
    func listingPages() async {
        let parts = [
            "<ListBucketResult>", "<Contents>", "<Key>", "</Key>", "a/b.json", "&amp;", "&#x41;", "&#99999999;",
            "&bogus;", "&", "<IsTruncated>true</IsTruncated>", "<NextContinuationToken>t</NextContinuationToken>",
            "<Key/>", "</Contents>", "é", "\u{0}",
        ]
        await propertyCheck(count: 3_000, input: Self.pieces(parts, 0...24)) { xml in
            do {
                let page = try S3Listing.parse(Data(xml.utf8))
                #expect(page.keys.count <= S3Listing.maximumKeys)
                #expect(page.keys.allSatisfy { !$0.isEmpty && $0.utf8.count <= S3Listing.maximumValueBytes })
                #expect(page.continuationToken.map { !$0.isEmpty } ?? true)
            } catch {
                #expect(error is HostError)
            }
        }
        let keys = Self.text("ab/<>&\"'é.", 1...30).array(of: 0...20)
        await propertyCheck(count: 500, input: keys) { keys in
            let escaped = keys.map { key in
                key.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: ">", with: "&gt;")
            }
            let xml =
                "<ListBucketResult>" + escaped.map { "<Contents><Key>\($0)</Key></Contents>" }.joined()
                + "<IsTruncated>false</IsTruncated></ListBucketResult>"
            #expect((try? S3Listing.parse(Data(xml.utf8)))?.keys == keys)
        }
        let oversized = Data(("<ListBucketResult>" + String(repeating: "<Key>k</Key>", count: 10_001)).utf8)
        #expect(throws: HostError.self) { try S3Listing.parse(oversized) }
    }

    @Test("what is signed is URI-encoded: only unreserved characters and %XX, decoding to the text")
    func encoding() async {
        let texts = Self.text("aZ09-._~/ %?&=+é\u{1F426}\u{0}", 0...40)
        await propertyCheck(count: 2_000, input: texts) { text in
            for keepSlash in [true, false] {
                let encoded = SigV4.encode(text, keepSlash: keepSlash)
                #expect(
                    encoded.allSatisfy {
                        $0.isASCII && ($0.isLetter || $0.isNumber || "-._~%".contains($0) || (keepSlash && $0 == "/"))
                    }
                )
                #expect(encoded.removingPercentEncoding == text)
            }
        }
    }
}
