import Foundation
import Synchronization

/// The outcome of validating each manifest file, kept by the file's bytes, so that a rescan
/// validates (parses, decodes, builds plugins) only the files whose bytes changed.
///
/// A file is always read again; its outcome is reused only when the bytes are exactly the ones
/// validated before (a touched file, or one written back with the same text, is not validated
/// again). Outcomes that read something besides the file, a `token_file` or a remote plugin's
/// `secret_file`, are not kept: that other file may change while the manifest does not. The
/// `${VAR}` environment is the loader's and never changes while it lives; the remote plugin
/// policy can (a host config reload), so an outcome is kept with the policy it was validated under.
final class ManifestCache: Sendable {
    private struct Entry {
        var bytes: Data
        var policy: RemotePluginPolicy
        var outcome: ManifestValidation.Outcome
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var validations = 0
    }

    private let state = Mutex(State())

    /// An empty cache.
    init() {}

    /// How many files were validated rather than found here, since the cache was created.
    var validations: Int { state.withLock { $0.validations } }

    /// The outcome for `file` holding `bytes` validated under `policy`: the kept one when the
    /// bytes and the policy are the same, else `validate()`'s, kept for the next scan when it
    /// read nothing but the file.
    func outcome(
        file: String, bytes: Data, policy: RemotePluginPolicy,
        validate: () -> ManifestValidation.Outcome
    ) -> ManifestValidation.Outcome {
        if let kept = state.withLock({ $0.entries[file] }), kept.bytes == bytes, kept.policy == policy {
            return kept.outcome
        }
        let outcome = validate()
        state.withLock { state in
            state.validations += 1
            if outcome.tokenKey == "token_file" || outcome.readOtherFiles {
                state.entries[file] = nil
            } else {
                state.entries[file] = Entry(bytes: bytes, policy: policy, outcome: outcome)
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
