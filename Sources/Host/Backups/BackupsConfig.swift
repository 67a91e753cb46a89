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
///   destinations: [/srv/aviary-backups]   # local folders, each gets every snapshot
/// ```
struct BackupsConfig: Sendable, Equatable {
    /// When backups run.
    var schedule: BackupSchedule
    /// How many days keep their newest snapshot.
    var keepDaily = 7
    /// How many weeks keep their newest snapshot.
    var keepWeekly = 4
    /// The folders every snapshot goes to, at least one.
    var destinations: [String]

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

    /// Checks the section; errors name the key (`backups.schedule.daily: …`).
    static func make(_ document: Document) throws(BackupsConfigError) -> BackupsConfig {
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
            throw BackupsConfigError("backups.destinations: list 1 to 16 folders, such as [/srv/aviary-backups]")
        }
        for (index, folder) in destinations.enumerated() {
            guard folder.hasPrefix("/"), folder.utf8.count <= 1_024, !folder.contains("\0"),
                !folder.split(separator: "/").contains("..")
            else {
                throw BackupsConfigError(
                    "backups.destinations[\(index)]: '\(Problem.excerpt(folder))' is not an absolute folder path without '..'"
                )
            }
        }
        config.destinations = destinations
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
