import Foundation
import Synchronization

/// A signed-in dashboard user: who they are and the token their forms must carry.
struct DashboardSession: Sendable, Equatable {
    /// The session cookie's value.
    let id: String
    /// Who signed in, from the management token they gave.
    let caller: Caller
    /// Every form and script request of this session carries it (CSRF protection).
    let csrfToken: String
    /// When the session was last used; it ends after ``DashboardSessions/idleTimeout`` without use.
    var lastUsed: Date
    /// How the page names who signed in: `admin`, or `brand:han (Han operators)` with the
    /// token's display name as it was at sign-in.
    var callerName: String
}

/// The dashboard's sessions, in memory: a host restart signs everyone out.
///
/// A session lives until its user signs out or leaves it unused for ``idleTimeout``. At most
/// ``capacity`` live at once; the least recently used goes first beyond that.
final class DashboardSessions: Sendable {
    /// How long an unused session lives.
    let idleTimeout: TimeInterval
    /// The most sessions kept.
    let capacity: Int
    /// The time now; tests pass a clock of their own to age sessions without waiting.
    private let now: @Sendable () -> Date
    private let sessions = Mutex<[String: DashboardSession]>([:])

    /// Sessions that end after `idleTimeout` seconds unused, at most `capacity` at once, aged by `now`.
    init(
        idleTimeout: TimeInterval = 12 * 3600, capacity: Int = 10_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.idleTimeout = idleTimeout
        self.capacity = capacity
        self.now = now
    }

    /// Opens a session for `caller`, shown as `name` (its label by default).
    func open(for caller: Caller, name: String? = nil) -> DashboardSession {
        let now = now()
        let session = DashboardSession(
            id: Self.randomToken(), caller: caller, csrfToken: Self.randomToken(), lastUsed: now,
            callerName: name ?? caller.label)
        sessions.withLock { sessions in
            sessions = sessions.filter { now.timeIntervalSince($0.value.lastUsed) < idleTimeout }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
                sessions[oldest.key] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with cookie value `id`, marked as used now; `nil` when there is none
    /// or it has expired.
    func session(id: String) -> DashboardSession? {
        let now = now()
        return sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard now.timeIntervalSince(session.lastUsed) < idleTimeout else {
                sessions[id] = nil
                return nil
            }
            session.lastUsed = now
            sessions[id] = session
            return session
        }
    }

    /// Ends the session with cookie value `id`.
    func close(id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Ends every session signed in with a token of one of `brands` (removed or replaced in the host config).
    func close(brands: Set<String>) {
        sessions.withLock { sessions in
            sessions = sessions.filter { _, session in
                guard case .brand(let brand) = session.caller else { return true }
                return !brands.contains(brand)
            }
        }
    }

    /// 32 random bytes as 64 hex digits: a session id or CSRF token.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
