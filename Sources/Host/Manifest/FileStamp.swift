#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `stat` says about a file that changes whenever its bytes do: its device and inode,
/// size, and modification and change times to the nanosecond.
///
/// Two equal stamps mean the file was not written in between (a write moves the change time;
/// replacing it by a rename changes the inode), so a scan may reuse what it learned from the
/// bytes without reading them, unless the stamp was taken while the file was still being
/// written: file times advance in clock ticks of a few milliseconds, so two writes of the same
/// size within one tick leave one stamp. A stamp is trusted only once its change time is
/// ``settled`` in the past (git calls the other case "racily clean").
struct FileStamp: Hashable, Sendable {
    /// How long after its last change a file's stamp is trusted: far longer than a tick.
    static let settled: Duration = .seconds(2)

    private let device: UInt64
    private let inode: UInt64
    private let size: Int64
    private let modified: Int64
    private let changed: Int64

    /// Whether the file changed less than `window` before now (or has a change time ahead of
    /// the clock): another write within the same tick would leave the same stamp.
    func isRecent(within window: Duration = FileStamp.settled) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nowNanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let (seconds, attoseconds) = window.components
        return changed > nowNanoseconds - (seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The stamp of `path`, or `nil` when it cannot be stat'ed (the read that follows names why).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        changed = Int64(info.st_ctimespec.tv_sec) * 1_000_000_000 + Int64(info.st_ctimespec.tv_nsec)
        #else
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        #endif
    }
}
