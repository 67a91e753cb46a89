import Foundation
import Synchronization

/// Collects a child process's output as it arrives, mirrors it to a file, and wakes tests
/// waiting for a line.
final class LogCollector: Sendable {
    let pipe = Pipe()
    private let state = Mutex<(text: String, waiters: [(String, Int, CheckedContinuation<Bool, Never>)])>(("", []))

    init(filePath: String) throws {
        _ = FileManager.default.createFile(atPath: filePath, contents: nil)
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: filePath))
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                return
            }
            file.write(data)
            guard let self else { return }
            let ready = self.state.withLock { value -> [CheckedContinuation<Bool, Never>] in
                value.text += String(decoding: data, as: UTF8.self)
                var ready: [CheckedContinuation<Bool, Never>] = []
                let text = value.text
                value.waiters.removeAll { waiter in
                    guard LogCollector.occurrences(of: waiter.0, in: text) >= waiter.1 else { return false }
                    ready.append(waiter.2)
                    return true
                }
                return ready
            }
            for continuation in ready { continuation.resume(returning: true) }
        }
    }

    /// Everything received so far.
    var text: String { state.withLock { $0.text } }

    /// Waits until `needle` appeared `count` times; `false` on timeout.
    func wait(for needle: String, count: Int, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let done = self.state.withLock { value -> Bool in
                        if LogCollector.occurrences(of: needle, in: value.text) >= count { return true }
                        value.waiters.append((needle, count, continuation))
                        return false
                    }
                    if done { continuation.resume(returning: true) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let waiters = self.state.withLock { value in
                    defer { value.waiters.removeAll() }
                    return value.waiters.map { $0.2 }
                }
                for waiter in waiters { waiter.resume(returning: false) }
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first
        }
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }
}
