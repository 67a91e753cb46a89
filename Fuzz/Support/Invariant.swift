import Foundation

/// Stops the run when an invariant does not hold: libFuzzer sees the crash and writes the input
/// that caused it (`crash-…` under the artifact folder) for `scripts/fuzz.sh` to print.
func invariant(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    guard !condition() else { return }
    FileHandle.standardError.write(Data("fuzz invariant failed: \(message())\n".utf8))
    abort()
}

/// The bytes libFuzzer hands a target.
struct FuzzInput {
    /// The bytes not read yet.
    private(set) var rest: UnsafeRawBufferPointer

    /// Wraps libFuzzer's buffer.
    init(_ data: UnsafePointer<UInt8>?, _ count: Int) {
        rest = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : count)
    }

    /// The next byte, 0 once the input is used up.
    mutating func byte() -> UInt8 {
        guard let first = rest.first else { return 0 }
        rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst())
        return first
    }

    /// The bytes not read yet as text; invalid UTF-8 becomes U+FFFD.
    var text: String { String(decoding: rest, as: UTF8.self) }

    /// The bytes not read yet.
    var data: Data { Data(rest) }
}
