import Foundation

/// The host config's `backups:` section: when the host backs every bot up, what it keeps, and
/// where.
///
/// ```yaml
/// backups:
///   schedule:
///     daily: "03:30"              # a time of day, HH:MM…
///     time_zone: Europe/Berlin    # …in this zone (UTC by default)
///     # every: 6h                 # or an interval instead (12h, 1d, 1w; at least 1h)
///   keep: { daily: 7, weekly: 4 } # per bot and destination: the newest of each of the last 7 days and 4 weeks
///   destinations:                 # each gets every snapshot: local folders, S3 buckets
///     - /srv/aviary-backups
///     - s3://aviary-backups/host-1?endpoint=http://10.0.0.5:9000&credentials_file=/etc/aviary/s3.credentials
/// ```
///
/// An S3 destination is an ``S3Location`` URL; its credentials are read when the config is.
struct BackupsConfig: Sendable, Equatable {
    /// When backups run.
    var schedule: BackupSchedule
    /// How many days keep their newest snapshot.
    var keepDaily = 7
    /// How many weeks keep their newest snapshot.
    var keepWeekly = 4
    /// Where every snapshot goes, at least one.
    var destinations: [BackupDestination]

    /// The section as written.
    struct Document: Decodable, Equatable, Sendable {
        struct Schedule: Decodable, Equatable, Sendable {
            var daily: String?
            var time_zone: String?
            var every: String?
        }

        struct Keep: Decodable, Equatable, Sendable {
            var daily: Int?
            var weekly: Int?
        }

        var schedule: Schedule?
        var keep: Keep?
        var destinations: [String]?
    }

    /// Checks the section, reading S3 credentials from `environment` or their files; errors
    /// name the key (`backups.schedule.daily: …`, `backups.destinations[1]: bucket: …`).
    static func make(_ document: Document, environment: [String: String] = [:]) throws(BackupsConfigError)
        -> BackupsConfig
    {
        guard let schedule = document.schedule else {
            throw BackupsConfigError("backups.schedule: missing; write daily: \"03:30\" (with time_zone) or every: 6h")
        }
        let parsed: BackupSchedule
        switch (schedule.daily, schedule.every) {
        case (let daily?, nil):
            let zone = schedule.time_zone ?? "UTC"
            guard zone.utf8.count <= 64, let timeZone = TimeZone(identifier: zone) else {
                throw BackupsConfigError(
                    "backups.schedule.time_zone: '\(Problem.excerpt(zone))' is not an IANA time zone (Europe/Berlin, UTC)"
                )
            }
            guard let (hour, minute) = BackupSchedule.timeOfDay(daily) else {
                throw BackupsConfigError(
                    "backups.schedule.daily: '\(Problem.excerpt(daily))' is not a time of day; write HH:MM, such as \"03:30\""
                )
            }
            parsed = .daily(hour: hour, minute: minute, timeZone: timeZone)
        case (nil, let every?):
            guard schedule.time_zone == nil else {
                throw BackupsConfigError("backups.schedule.time_zone: only with daily; an interval needs no zone")
            }
            switch RetentionDuration.parse(every) {
            case .success(let interval): parsed = .every(interval)
            case .failure(let error):
                throw BackupsConfigError("backups.schedule.every: '\(Problem.excerpt(every))' \(error.message)")
            }
        default:
            throw BackupsConfigError("backups.schedule: write exactly one of daily: \"03:30\" or every: 6h")
        }
        var config = BackupsConfig(schedule: parsed, destinations: [])
        for (key, value) in [("daily", document.keep?.daily), ("weekly", document.keep?.weekly)] {
            guard let value else { continue }
            guard (0...1_000).contains(value) else {
                throw BackupsConfigError("backups.keep.\(key): \(value) is out of range; use 0 to 1000")
            }
            if key == "daily" { config.keepDaily = value } else { config.keepWeekly = value }
        }
        guard config.keepDaily + config.keepWeekly > 0 else {
            throw BackupsConfigError("backups.keep: daily and weekly are both 0; keep at least one snapshot")
        }
        let destinations = document.destinations ?? []
        guard (1...16).contains(destinations.count) else {
            throw BackupsConfigError(
                "backups.destinations: list 1 to 16 folders or s3:// URLs, such as [/srv/aviary-backups]"
            )
        }
        for (index, text) in destinations.enumerated() {
            do {
                config.destinations.append(
                    try BackupDestination.parse(text, requireAbsolute: true, environment: environment)
                )
            } catch {
                throw BackupsConfigError("backups.destinations[\(index)]: \(error)")
            }
        }
        return config
    }
}

/// A `backups:` section that cannot be used, naming the key.
struct BackupsConfigError: Error, CustomStringConvertible, Equatable {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
