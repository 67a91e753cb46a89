import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The five object operations snapshots need, signed with ``SigV4``, against one
/// ``S3Location``: put a file (streamed, its SHA-256 and MD5 sent for the store to check, the
/// answered ETag checked), get an object into a file (streamed, bounded) or into memory
/// (bounded), list keys, delete.
///
/// Errors name the operation, the bucket and the key, and the store's `Code: Message`, never
/// a key of the credentials.
struct S3Client: Sendable {
    /// Where the objects are.
    let location: S3Location
    /// The HTTP client.
    var http: HTTPClient = S3Client.sharedHTTP

    /// The client every store shares: a store that cannot be reached fails the request at
    /// once (the scheduler tries again later) instead of being dialled until the request's
    /// deadline, and a store that stops answering fails it after two minutes.
    static let sharedHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(120))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// The most bytes one upload may have (S3's limit for a single `PUT`).
    static let maximumObjectBytes: Int64 = 5 << 30

    /// The most pages a listing reads (a million keys at S3's 1,000 a page).
    static let maximumPages = 1_000

    /// Uploads the file at `path` as object `key`, in chunks, and checks the store got every
    /// byte: the SHA-256 (`x-amz-content-sha256`) and MD5 (`Content-MD5`) of the bytes read
    /// first are signed and sent, and a plain ETag must be that MD5.
    ///
    /// - Parameter sha256: The SHA-256 the file must have (a catalog's), or `nil`.
    func put(_ key: String, file path: String, sha256 expected: String?) async throws {
        var digest = FileDigest()
        var md5 = Insecure.MD5()
        try AtomicFile.read(path) { chunk in
            digest.add(chunk)
            md5.update(bufferPointer: chunk)
        }
        guard digest.size <= Self.maximumObjectBytes else {
            throw HostError("\(path) is over 5 GiB, the most S3 takes in one upload")
        }
        let sha256 = digest.sha256
        if let expected, expected != sha256 {
            throw HostError("\(path) changed after it was checked (SHA-256 \(sha256), expected \(expected))")
        }
        let md5Bytes = Array(md5.finalize())
        let response = try await send(
            "PUT",
            key: key,
            body: .stream(FileChunks(path: path), length: .known(digest.size)),
            payloadHash: sha256,
            extraHeaders: [("Content-MD5", Data(md5Bytes).base64EncodedString())],
            timeout: .seconds(120 + digest.size / (1 << 20))
        )
        let body = try await response.body.collect(upTo: 64 * 1024)
        try check(response, body, "PUT", key)
        let etag = response.headers.first(name: "ETag")?.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        // A plain ETag is the MD5 of the object; others (multipart, some encryptions) are not checked.
        if let etag, etag.utf8.count == 32,
            etag.utf8.allSatisfy({ $0 < 128 && Character(Unicode.Scalar($0)).isHexDigit }),
            etag.lowercased() != SigV4.hex(md5Bytes)
        {
            throw HostError("PUT \(describe(key)): the store's ETag \(etag) is not the MD5 of the bytes sent")
        }
    }

    /// Downloads object `key` into a new file at `path`, at most `limit` bytes, and returns
    /// the SHA-256 and size of what was written; nothing is left at `path` when it throws.
    func get(_ key: String, to path: String, limit: Int64) async throws -> FileDigest {
        let response = try await send("GET", key: key, timeout: .seconds(120 + limit / (1 << 20)))
        guard response.status == .ok else {
            try check(response, try await response.body.collect(upTo: 64 * 1024), "GET", key)
            throw HostError("GET \(describe(key)): status \(response.status.code)")
        }
        let file = try AtomicFile.Pending(path)
        var digest = FileDigest()
        do {
            for try await chunk in response.body {
                guard digest.size + Int64(chunk.readableBytes) <= limit else {
                    throw HostError("GET \(describe(key)): the object is over \(limit) bytes")
                }
                try chunk.withUnsafeReadableBytes { bytes in
                    digest.add(bytes)
                    try file.write(bytes)
                }
            }
        } catch {
            file.abandon()
            throw error
        }
        try file.commit()
        return digest
    }

    /// The bytes of object `key`, at most `limit`.
    func data(_ key: String, limit: Int) async throws -> Data {
        let response = try await send("GET", key: key, timeout: .seconds(60))
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: limit)
        } catch {
            throw HostError("GET \(describe(key)): the object is over \(limit) bytes")
        }
        try check(response, body, "GET", key)
        return Data(buffer: body)
    }

    /// Every key that starts with `prefix`, page by page.
    func list(prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        for _ in 0..<Self.maximumPages {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let response = try await send("GET", key: nil, query: query, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: S3Listing.maximumBytes)
            try check(response, body, "LIST", prefix)
            let page = try S3Listing.parse(Data(buffer: body))
            keys += page.keys.filter { $0.hasPrefix(prefix) }
            guard let next = page.continuationToken else { return keys }
            token = next
        }
        throw HostError("LIST \(describe(prefix)): over \(Self.maximumPages) pages")
    }

    /// Deletes object `key` (a key that is not there is no error).
    func delete(_ key: String) async throws {
        let response = try await send("DELETE", key: key, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 64 * 1024)
        if response.status == .notFound { return }
        try check(response, body, "DELETE", key)
    }

    /// `s3://bucket/key`, for errors.
    func describe(_ key: String) -> String { "s3://\(location.bucket)/\(key)" }

    private func send(
        _ method: String,
        key: String?,
        query: [(String, String)] = [],
        body: HTTPClientRequest.Body? = nil,
        payloadHash: String = SigV4.emptyPayloadHash,
        extraHeaders: [(String, String)] = [],
        timeout: TimeAmount
    ) async throws -> HTTPClientResponse {
        let path = key.map(location.path) ?? location.bucketPath
        let amzDate = Self.amzDate(Date())
        var headers =
            [
                ("Host", location.authority), ("x-amz-date", amzDate), ("x-amz-content-sha256", payloadHash),
            ] + extraHeaders
        if let token = location.credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let authorization = SigV4.authorization(
            SigV4.Request(method: method, path: path, query: query, headers: headers, payloadHash: payloadHash),
            accessKey: location.credentials.accessKey,
            secretKey: location.credentials.secretKey,
            region: location.region,
            service: "s3"
        )
        let queryText = query.map { "\(SigV4.encode($0.0, keepSlash: false))=\(SigV4.encode($0.1, keepSlash: false))" }
            .joined(separator: "&")
        var request = HTTPClientRequest(
            url: "\(location.scheme)://\(location.authority)\(SigV4.encode(path, keepSlash: true))"
                + (queryText.isEmpty ? "" : "?\(queryText)")
        )
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Authorization", value: authorization)
        request.body = body
        do {
            return try await http.execute(request, timeout: timeout)
        } catch {
            throw HostError("\(method == "GET" && key == nil ? "LIST" : method) \(describe(key ?? "")): \(error)")
        }
    }

    private func check(_ response: HTTPClientResponse, _ body: ByteBuffer, _ operation: String, _ key: String) throws {
        guard !(200..<300).contains(response.status.code) else { return }
        let summary = S3Listing.errorSummary(Data(buffer: body)) ?? "no S3 error in the answer"
        throw HostError("\(operation) \(describe(key)): status \(response.status.code), \(summary)")
    }

    /// `20150830T123600Z` for `date`: a snapshot name's stamp without its milliseconds.
    static func amzDate(_ date: Date) -> String {
        String(SnapshotName(botID: "x", takenAt: date).stamp.prefix(15)) + "Z"
    }
}

/// A file's bytes in chunks of ``AtomicFile/chunkSize``, for an upload's body.
struct FileChunks: AsyncSequence, Sendable {
    /// A chunk of the file.
    typealias Element = ByteBuffer
    /// The file.
    let path: String

    /// An iterator that opens the file on its first chunk.
    func makeAsyncIterator() -> Iterator { Iterator(path: path) }

    /// Reads the next chunk on each call.
    struct Iterator: AsyncIteratorProtocol {
        /// The file.
        let path: String
        private var handle: FileHandle?
        private var finished = false

        /// An iterator over the file at `path`.
        init(path: String) { self.path = path }

        /// The next chunk; `nil` (and the file closed) at its end.
        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            if handle == nil {
                guard let opened = FileHandle(forReadingAtPath: path) else { throw HostError("cannot open \(path)") }
                handle = opened
            }
            guard let data = try handle?.read(upToCount: AtomicFile.chunkSize), !data.isEmpty else {
                try? handle?.close()
                finished = true
                return nil
            }
            return ByteBuffer(data: data)
        }
    }
}
