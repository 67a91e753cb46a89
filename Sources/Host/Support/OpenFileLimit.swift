#if canImport(Glibc)
import Glibc
#endif

/// The process's limit on open files, and the share of it bot databases may take.
///
/// Every long-polling bot holds a connection, every open bot database three files (the file,
/// its WAL and its shared-memory index), and the usual soft limit of 1,024 files is far below
/// what a host of a thousand bots needs. The host raises its soft limit to the hard limit at
/// start, as servers commonly do, and sizes its default bound on open databases from the result.
enum OpenFileLimit {
    /// The fewest databases the default bound keeps open.
    static let fewestDatabases = 64
    /// The most databases the default bound keeps open: each costs memory while it is open.
    static let mostDatabases = 1_000

    /// Raises the soft limit on open files to the hard limit, and returns the soft limit in
    /// force afterwards (unchanged when it cannot be raised).
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return fewestDatabases * 8 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// The default bound on open bot databases for a process allowed `files` open files: an
    /// eighth of them (so databases take at most three eighths of the files, three each),
    /// between ``fewestDatabases`` and ``mostDatabases``.
    static func defaultDatabaseLimit(forOpenFiles files: Int) -> Int {
        min(mostDatabases, max(fewestDatabases, files / 8))
    }
}
