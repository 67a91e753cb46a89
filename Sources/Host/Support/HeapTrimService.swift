import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// Gives the heap's free pages back to the system every ``interval``, with glibc's `malloc_trim`.
///
/// glibc returns freed memory to the system only from the top of each of its arenas; pages freed
/// inside an arena stay in the process's resident size until something asks for them again. A
/// host frees a lot at once (start-up and reloads parse manifests and open databases, the idle
/// closer drops databases), so without a trim those pages stay resident (BENCHMARKS.md, "Where an
/// idle bot's memory goes"). A trim walks the free lists only and takes milliseconds, so it runs
/// on a timer rather than after each of those events.
struct HeapTrimService: Service {
    /// How often the heap is trimmed.
    var interval: Duration = .seconds(10)
    /// Trims the heap; tests pass their own.
    var trim: @Sendable () -> Void = HeapTrimService.trimHeap

    /// Trims every ``interval`` until a graceful shutdown or cancellation, then returns.
    func run() async throws {
        await cancelWhenGracefulShutdown { [interval, trim] in
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                trim()
            }
        }
    }

    /// Gives the free pages of every glibc arena back to the system.
    static let trimHeap: @Sendable () -> Void = {
        guard let mallocTrim else { return {} }
        return { _ = mallocTrim(0) }
    }()

    /// glibc's `malloc_trim`, looked up at run time: `malloc.h` is not part of Swift's Glibc
    /// module. `nil` with another C library.
    static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
