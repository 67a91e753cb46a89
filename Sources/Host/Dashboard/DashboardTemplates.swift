import Hummingbird
import HTTPTypes
import Mustache
import NIOCore

/// The dashboard's pages, from the Mustache templates built into the binary.
struct DashboardTemplates: Sendable {
    /// A template the dashboard renders.
    enum Page: String, CaseIterable, Sendable {
        case login, bots, bot, reload, chat, error, manifest, delete, activity
    }

    private let library: MustacheLibrary

    /// Parses every template; a template that does not parse is a bug in this build.
    init() throws {
        var library = MustacheLibrary()
        let sources: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
            ("bots", PackageResources.bots_mustache), ("bot", PackageResources.bot_mustache),
            ("reload", PackageResources.reload_mustache), ("chat", PackageResources.chat_mustache),
            ("error", PackageResources.error_mustache), ("manifest", PackageResources.manifest_mustache),
            ("delete", PackageResources.delete_mustache), ("activity", PackageResources.activity_mustache),
        ]
        for (name, bytes) in sources {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// `page` rendered with `view`, as an HTML response.
    func render(_ page: Page, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(view, withTemplate: page.rawValue) ?? ""
        return Response(
            status: status,
            headers: DashboardAssets.securityHeaders(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The stylesheet and script, and the headers every dashboard answer carries.
enum DashboardAssets {
    /// The headers of a dashboard answer: no caching of pages with live data, no framing, and
    /// a content security policy that allows the dashboard's own files only.
    static func securityHeaders(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
    }

    /// Adds `GET /assets/dashboard.css` and `GET /assets/dashboard.js`.
    static func register(on router: Router<HostRequestContext>) {
        let files: [(String, String, [UInt8])] = [
            ("dashboard.css", "text/css; charset=utf-8", PackageResources.dashboard_css),
            ("dashboard.js", "text/javascript; charset=utf-8", PackageResources.dashboard_js),
        ]
        for (name, type, bytes) in files {
            router.get("assets/\(name)") { _, _ in
                var headers = securityHeaders(contentType: type)
                headers[.cacheControl] = "public, max-age=300"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
    }
}
