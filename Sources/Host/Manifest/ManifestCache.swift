import Crypto
import Foundation
import Synchronization

/// The outcome of validating each manifest file, kept by the file's stamp and the digest of
/// its bytes, so that a rescan reads only the files that were written and validates (parses,
/// decodes, builds plugins) only those whose bytes changed.
///
/// A file whose ``FileStamp`` is the one seen last time is not read at all, once the stamp has
/// settled (``FileStamp/settled``; a file changed within that window is read every time). A
/// file that was
/// written is read, and its outcome is reused when its bytes have the digest of the ones
/// validated before (a touched file, or one written back with the same text, is not validated
/// again). The cache keeps 32 bytes of digest a file, never the file. Outcomes that read
/// something besides the file, a `token_file` or a remote plugin's `secret_file`, are not kept:
/// that other file may change while the manifest does not. The `${VAR}` environment is the
/// loader's and never changes while it lives; the remote plugin policy can (a host config
/// reload), so an outcome is kept with the policy it was validated under.
final class ManifestCache: Sendable {
    /// Kept by reference: the cache holds a pointer a file, not an outcome's worth of bytes in
    /// every slot of its hash table.
    private final class Entry: Sendable {
        let stamp: FileStamp?
        let digest: SIMD4<UInt64>
        let policy: RemotePluginPolicy
        let outcome: ManifestValidation.Outcome

        init(
            stamp: FileStamp?, digest: SIMD4<UInt64>, policy: RemotePluginPolicy, outcome: ManifestValidation.Outcome
        ) {
            self.stamp = stamp
            self.digest = digest
            self.policy = policy
            self.outcome = outcome
        }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var validations = 0
        var reads = 0
    }

    private let state = Mutex(State())
    /// How long after its last change a file's stamp is trusted.
    private let settled: Duration

    /// An empty cache trusting a file's stamp once it is `settled` old.
    init(settled: Duration = FileStamp.settled) {
        self.settled = settled
    }

    /// How many files were validated rather than found here, since the cache was created.
    var validations: Int { state.withLock { $0.validations } }

    /// How many files were read rather than known unchanged by their stamp, since the cache
    /// was created.
    var reads: Int { state.withLock { $0.reads } }

    /// The kept outcome for `file` when its stamp is the one seen with it last time and it was
    /// validated under `policy`.
    func outcome(file: String, stamp: FileStamp?, policy: RemotePluginPolicy) -> ManifestValidation.Outcome? {
        guard let stamp else { return nil }
        return state.withLock { state in
            guard let kept = state.entries[file], kept.stamp == stamp, kept.policy == policy else { return nil }
            return kept.outcome
        }
    }

    /// The outcome for `file` holding `bytes` (read after `stamp` was taken) validated under
    /// `policy`: the kept one when the bytes have the same digest and the policy is the same,
    /// else `validate()`'s, kept for the next scan when it read nothing but the file.
    func outcome(
        file: String, stamp: FileStamp?, bytes: Data, policy: RemotePluginPolicy,
        validate: () -> ManifestValidation.Outcome
    ) -> ManifestValidation.Outcome {
        let digest = SHA256.hash(data: bytes).withUnsafeBytes { $0.loadUnaligned(as: SIMD4<UInt64>.self) }
        let stamp = stamp.flatMap { $0.isRecent(within: settled) ? nil : $0 }
        let kept = state.withLock { state -> ManifestValidation.Outcome? in
            state.reads += 1
            guard let kept = state.entries[file], kept.digest == digest, kept.policy == policy else { return nil }
            state.entries[file] = Entry(stamp: stamp, digest: digest, policy: policy, outcome: kept.outcome)
            return kept.outcome
        }
        if let kept { return kept }
        let outcome = validate()
        state.withLock { state in
            state.validations += 1
            if outcome.tokenKey == "token_file" || outcome.readOtherFiles {
                state.entries[file] = nil
            } else {
                state.entries[file] = Entry(stamp: stamp, digest: digest, policy: policy, outcome: outcome)
            }
        }
        return outcome
    }

    /// Forgets every file not in `files` (removed from the folder), so that the cache holds
    /// at most one entry per manifest present.
    func keep(only files: Set<String>) {
        state.withLock { state in
            state.entries = state.entries.filter { files.contains($0.key) }
        }
    }
}
