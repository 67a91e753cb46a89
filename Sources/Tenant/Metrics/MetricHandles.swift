import Synchronization

/// One metric handle per value of a label (an update type, an API method), made on first use
/// and kept, so the factory's lookup (two locks and two dictionary lookups in the registry) is paid once per
/// value rather than on every event.
final class MetricHandles<Handle: Sendable>: Sendable {
    private let handles = Mutex<[String: Handle]>([:])
    private let make: @Sendable (String) -> Handle

    /// Makes the handle for a label value with `make`.
    init(make: @escaping @Sendable (String) -> Handle) {
        self.make = make
    }

    /// The handle for `value`.
    subscript(value: String) -> Handle {
        handles.withLock { handles in
            if let handle = handles[value] { return handle }
            let handle = make(value)
            handles[value] = handle
            return handle
        }
    }
}
