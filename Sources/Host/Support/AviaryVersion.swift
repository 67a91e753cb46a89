/// The version of this build of Aviary: what `aviary --version` prints and the dashboard's
/// footer shows. Raised here, and only here, for each release.
enum AviaryVersion {
    /// `major.minor.patch`.
    static let current = "0.5.0"
}
