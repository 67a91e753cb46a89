import Foundation
import Plugins
import Testing
import Tenant

@Suite("Followups settings")
struct FollowupsConfigurationTests {
    static func decode(_ json: String) throws -> FollowupsConfiguration {
        try JSONDecoder().decode(FollowupsConfiguration.self, from: Data(json.utf8))
    }

    @Test("only messages is required; the rest has documented defaults, and quiet_hours: off turns them off")
    func defaults() throws {
        let settings = try Self.decode(#"{"messages": ["Hi?"]}"#)
        #expect(settings.afterHours == 24)
        #expect(settings.maxPerDay == 1)
        #expect(settings.maxUnanswered == 3)
        #expect(settings.quietHours == QuietHours(parsing: "23:00-09:00"))
        #expect(settings.stopCommand == "stop")
        #expect(settings.timezoneCommand == "timezone")
        #expect(settings.texts.stopped.resolve(language: "ru", fallbackLocale: nil).hasPrefix("Хорошо"))
        #expect(try Self.decode(#"{"messages": ["Hi?"], "quiet_hours": "off"}"#).quietHours == nil)
        #expect(try Self.decode(#"{"messages": ["Hi?"], "quiet_hours": "22:00-08:00"}"#).quietHours == QuietHours(parsing: "22:00-08:00"))
        try settings.validate()
    }

    @Test("a bad window of quiet hours fails to decode with the form to use")
    func badQuietHours() {
        #expect {
            try Self.decode(#"{"messages": ["Hi?"], "quiet_hours": "late"}"#)
        } throws: { error in
            "\(error)".contains("write it as 23:00-09:00")
        }
    }

    @Test("settings that decode but make no sense are refused, naming the setting", arguments: [
        (#"{"messages": []}"#, "messages"),
        (#"{"messages": ["Hi"], "after_hours": 0}"#, "after_hours"),
        (#"{"messages": ["Hi"], "max_per_day": 0}"#, "max_per_day"),
        (#"{"messages": ["Hi"], "max_unanswered": 1000}"#, "max_unanswered"),
        (#"{"messages": ["Hi"], "stop_command": "/stop"}"#, "stop_command"),
        (#"{"messages": ["Hi"], "timezone_command": "stop"}"#, "timezone_command"),
        (#"{"messages": ["  "]}"#, "messages[0]"),
        (#"{"messages": ["Hi"], "starters": [{"english": "a"}]}"#, "starters[0].english"),
        (#"{"messages": ["Hi"], "texts": {"stopped": ""}}"#, "texts.stopped"),
    ])
    func refused(json: String, key: String) throws {
        let settings = try Self.decode(json)
        #expect {
            try settings.validate()
        } throws: { error in
            (error as? PluginConfigurationError)?.key == key
        }
    }
}
