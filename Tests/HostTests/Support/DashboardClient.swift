import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import NIOCore
import Testing
@testable import Host

/// A browser's view of the dashboard for in-process tests: it keeps the session cookie and
/// the CSRF token the pages carry.
struct DashboardClient {
    let client: any TestClientProtocol
    var session: String?
    var csrf: String?

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    /// Signs in with `token` through the sign-in form; returns the form's final answer.
    @discardableResult
    mutating func signIn(_ token: String) async throws -> TestResponse {
        let form = try await client.execute(uri: "/login", method: .get)
        let loginCookie = try #require(Self.cookie(Dashboard.loginCookie, in: form))
        let loginCSRF = try #require(Self.csrfToken(in: form))
        let answer = try await client.execute(
            uri: "/login", method: .post,
            headers: [.cookie: "\(Dashboard.loginCookie)=\(loginCookie)", .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "csrf=\(loginCSRF)&token=\(Self.escape(token))"))
        if answer.status == .seeOther, let session = Self.cookie(DashboardAuthMiddleware.cookieName, in: answer) {
            self.session = session
            let home = try await get("/")
            csrf = Self.csrfToken(in: home)
        }
        return answer
    }

    /// `GET uri` with the session cookie.
    func get(_ uri: String, accept: String? = nil) async throws -> TestResponse {
        var headers = sessionHeaders
        if let accept { headers[.accept] = accept }
        return try await client.execute(uri: uri, method: .get, headers: headers)
    }

    /// Posts a form with `fields` and, unless `csrf` is false, the session's CSRF token.
    func post(_ uri: String, _ fields: [String: String] = [:], csrf: Bool = true, accept: String? = nil) async throws
        -> TestResponse
    {
        var all = fields
        if csrf, let token = self.csrf { all["csrf"] = token }
        var headers = sessionHeaders
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let accept { headers[.accept] = accept }
        let body = all.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.escape($0.value))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    private var sessionHeaders: HTTPFields {
        var headers = HTTPFields()
        if let session { headers[.cookie] = "\(DashboardAuthMiddleware.cookieName)=\(session)" }
        return headers
    }

    /// The value response `response` sets for cookie `name`.
    static func cookie(_ name: String, in response: TestResponse) -> String? {
        setCookie(name, in: response).flatMap { header in
            header.split(separator: ";").first.map { String($0.dropFirst(name.count + 1)) }
        }
    }

    /// The whole `Set-Cookie` header for cookie `name`.
    static func setCookie(_ name: String, in response: TestResponse) -> String? {
        response.headers[values: .setCookie].first { $0.hasPrefix("\(name)=") }
    }

    /// The first CSRF token on a page (a form field or the page's meta tag).
    static func csrfToken(in response: TestResponse) -> String? {
        let html = String(buffer: response.body)
        guard let range = html.range(of: #"(name="csrf" value|name="csrf-token" content)="[0-9a-f]+""#, options: .regularExpression)
        else { return nil }
        return html[range].split(separator: "\"").last.map(String.init)
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
