import Foundation
@testable import Host
import PropertyBased
import Testing

/// Manifests as hostile input: each test is a class of input with many generated members.
@Suite("Manifest hostile input", .timeLimit(.minutes(5)))
struct ManifestHostileInputTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    /// A manifest with `value` at one of the places a manifest can hold text, each `@` replaced.
    static let placements: [String] = [
        "name: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "id: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "brand: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "locale: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "time_zone: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "database: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "database: \"/@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "platform: \"@\"\nplugins: [quiet]\n",
        "enabled: \"@\"\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "admins: [\"@\"]\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "token: \"@\"\nplugins: [quiet]\n",
        "token_file: \"@\"\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\ntelegram: { api_url: \"https://@.example/\" }\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\ntelegram: { api_url: \"@\" }\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\ntelegram: { mode: \"@\", poll_timeout: \"@\" }\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\ndelivery: { bot_per_second: \"@\" }\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\nplugins:\n  - greeter: { greeting: \"@\", times: \"@\" }\n",
        "token: \(ManifestTokens.first)\nplugins:\n  - greeter: { greeting: \"@\", phrases: [\"@\"] }\n",
        "token: \(ManifestTokens.first)\nplugins:\n  - quiet: { x: \"@\" }\n",
    ]

    /// Secrets: 16 to 40 characters of what tokens and API keys are made of.
    static let secrets = Gen.element(of: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:_-."))
        .compactMap { $0 }.array(of: 16...40).map { String($0) }

    /// Environment variable names.
    static let variableNames = Gen.element(of: Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"))
        .compactMap { $0 }.array(of: 1...12).map { "V_" + String($0) }

    /// Every text a validation shows a person: errors, and the bot as `check`, the API and
    /// reload reports show it.
    static func outputs(of result: Result<LoadedBot, ManifestErrors>) -> [String] {
        switch result {
        case .failure(let errors):
            return errors.errors.map(\.description)
        case .success(let bot):
            let shown = bot.manifest.shown
            var base = bot.manifest
            base.name = "base"
            base.telegram.apiURL = URL(string: "https://base.example")!
            return [
                shown.id, shown.name, shown.brand ?? "", shown.locale ?? "", shown.database ?? "",
                shown.telegram.apiURL.absoluteString, String(describing: ManifestView(shown)),
                CheckCommand.summary(of: bot.manifest, idWidth: 10),
            ] + ManifestDiff.changes(from: base, to: bot.manifest)
        }
    }

    @Test("a value read from the environment never appears in an error, a view, a summary or a diff")
    func expandedValuesAreNeverEchoed() async throws {
        let input = zip(Self.variableNames, Self.secrets, Gen.int(in: 0...(Self.placements.count - 1)), Gen.bool)
        await propertyCheck(count: 300, input: input) { name, secret, placement, withDefault in
            let reference = withDefault ? "${\(name):-fallback}" : "${\(name)}"
            let yaml = Self.placements[placement].replacingOccurrences(of: "@", with: reference)
            let environment = [name: secret, "AVIARY_ADMIN_TOKEN": "admin-" + secret]
            let result = ManifestTestPlugins.loader(environment).validate(
                yaml: yaml,
                fileName: folder.path + "/bot.yaml"
            )
            for text in Self.outputs(of: result) {
                #expect(!text.contains(secret), "\(yaml) → \(text)")
            }
        }
    }

    @Test("a brand's text reads no variable and no file: the answer is the same whether they exist or not")
    func brandTextReadsNothing() async throws {
        let existing = try folder.write("token.txt", ManifestTokens.first)
        let input = zip(Self.variableNames, Self.secrets, Gen.int(in: 0...(Self.placements.count - 1)), Gen.bool)
        await propertyCheck(count: 200, input: input) { name, secret, placement, withDefault in
            let reference = withDefault ? "${\(name):-fallback}" : "${\(name)}"
            let yaml = Self.placements[placement].replacingOccurrences(of: "@", with: reference)
            let loader = ManifestTestPlugins.loader([name: secret])
            let set = loader.validate(yaml: yaml, fileName: "bot.yaml", source: .brand)
            let unset = ManifestTestPlugins.loader().validate(yaml: yaml, fileName: "bot.yaml", source: .brand)
            #expect(Self.outputs(of: set) == Self.outputs(of: unset), "\(yaml)")
            guard case .failure = set else {
                Issue.record("a brand's ${…} was accepted: \(yaml)")
                return
            }
            for text in Self.outputs(of: set) { #expect(!text.contains(secret)) }
        }
        let named = ManifestTestPlugins.loader(["V": "value"]).validate(
            yaml: "name: ${V}\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
            fileName: "bot.yaml",
            source: .brand
        )
        #expect(
            named.errors == [
                "bot.yaml:1: name: brand callers cannot use ${…}: the host's environment is not theirs to read; "
                    + "write the value itself, or ask the host's admin to validate"
            ]
        )
        let missing = folder.path + "/missing.txt"
        let outputs = [existing, missing, "/etc/passwd", "/dev/zero"].map { path in
            Self.outputs(
                of: ManifestTestPlugins.loader().validate(
                    yaml: "token_file: \(path)\nplugins: [quiet]\n",
                    fileName: "bot.yaml",
                    source: .brand
                )
            ).map { $0.replacingOccurrences(of: path, with: "PATH") }
        }
        #expect(Set(outputs.map { $0.joined(separator: "\n") }).count == 1, "\(outputs)")
        #expect(outputs[0] == ["bot.yaml:1: token_file: " + ManifestHostileInputTests.brandTokenFileMessage])
    }

    static let brandTokenFileMessage =
        "brand callers cannot use token_file: the host's files are not theirs to read; "
        + "write token: with the token itself, or ask the host's admin to validate"

    /// `depth` levels of lists, each `width` aliases of the level below: `width^depth` values.
    static func aliasBomb(depth: Int, width: Int, asKeys: Bool) -> String {
        var lines = ["l0: &l0 [\"x\", \"x\"]"]
        for level in 1...depth {
            let items = Array(repeating: "*l\(level - 1)", count: width)
            if asKeys {
                lines.append(
                    "l\(level): &l\(level) {"
                        + items.enumerated().map { "? [\($1), \($0)] : 1" }.joined(separator: ", ") + "}"
                )
            } else {
                lines.append("l\(level): &l\(level) [" + items.joined(separator: ", ") + "]")
            }
        }
        return (["token: \(ManifestTokens.first)", "plugins: [quiet]"] + lines).joined(separator: "\n") + "\n"
    }

    @Test("alias bombs of any depth and width are refused at the first anchor, without being expanded")
    func aliasBombsAreRefused() async throws {
        await propertyCheck(count: 100, input: zip(Gen.int(in: 1...12), Gen.int(in: 2...12), Gen.bool)) {
            depth,
            width,
            keys in
            let yaml = Self.aliasBomb(depth: depth, width: width, asKeys: keys)
            let errors = try? folder.errors(yaml)
            #expect(
                errors == [
                    "bot.yaml:3: YAML aliases are not allowed in manifests, nor anchors (&name) for them; "
                        + "write each value out in full"
                ]
            )
        }
        let aliasOnly = "token: \(ManifestTokens.first)\nplugins: [quiet]\nname: *nowhere\n"
        #expect(
            try folder.errors(aliasOnly) == [
                "bot.yaml:3: YAML aliases are not allowed in manifests; write the value out in full"
            ]
        )
        let merge = "base: &base {a: 1}\nother:\n  <<: *base\n"
        #expect(
            try folder.errors(merge).first?.hasPrefix("bot.yaml:1: YAML aliases are not allowed in manifests") == true
        )
    }

    @Test("the reproduction: 500 bytes of nested aliases are refused, not expanded to millions of values")
    func issueAliasBomb() throws {
        let levels = (1...9).map {
            "l\($0): &l\($0) [" + Array(repeating: "*l\($0 - 1)", count: 10).joined(separator: ",") + "]"
        }
        let yaml = (["l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]"] + levels + ["plugins: [quiet]"]).joined(
            separator: "\n"
        )
        #expect(yaml.utf8.count < 600)
        #expect(try folder.errors(yaml).first?.contains("YAML aliases are not allowed in manifests") == true)
    }

    @Test("documents over the size, node or depth limits are refused with the limit")
    func oversizedDocumentsAreRefused() async throws {
        let limit = YAMLLimits.manifest
        let big =
            "token: \(ManifestTokens.first)\nplugins: [quiet]\nname: \""
            + String(repeating: "a", count: limit.maximumBytes) + "\"\n"
        #expect(
            ManifestTestPlugins.loader().validate(yaml: big, fileName: "bot.yaml").errors
                == [
                    "bot.yaml: the document has more than 262144 bytes; "
                        + "manifests may have at most 262144 bytes (256 KiB)"
                ]
        )
        #expect(
            try folder.errors(big) == [
                "bot.yaml: the file has more than 262144 bytes; manifests may have at most 262144 bytes (256 KiB)"
            ]
        )
        await propertyCheck(count: 20, input: Gen.int(in: (limit.maximumDepth + 1)...(limit.maximumDepth * 40))) {
            depth in
            let yaml = "name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
            let errors = ManifestTestPlugins.loader().validate(yaml: yaml, fileName: "bot.yaml").errors
            // Beyond libyaml's own limit (1,000 levels) its scanner, reading ahead, refuses first.
            let ours = "bot.yaml:1: lists and mappings nest more than 64 levels deep; manifests may nest at most 64"
            #expect(
                errors == [ours] || (depth > 1000 && errors.first?.contains("Maximum nesting level") == true),
                "\(errors)"
            )
        }
        let wide = "admins: [" + Array(repeating: "1", count: limit.maximumNodes).joined(separator: ",") + "]\n"
        #expect(
            ManifestTestPlugins.loader().validate(yaml: wide, fileName: "bot.yaml").errors
                == ["bot.yaml:1: the document has more than 50000 values; manifests may have at most 50000"]
        )
    }

    /// Pieces of YAML syntax, in any order, make documents of every shape, broken or not.
    static let syntax = Gen.element(of: [
        "a:", "b: ", "plugins:", "token:", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "&x ", "*x", "!!str ",
        "!!binary ", "'", "\"", "|", ">", "# c", "${", "}", "$$", "<<: ", "? ", "---\n", "...\n", "\t", "%YAML 1.2\n",
        "\u{0}", "\u{FEFF}", "é", "😀", "\\", ":", "-1", "0x1F", "~", "null", "yes",
    ]).compactMap { $0 }.array(of: 0...60).map { $0.joined() }

    @Test("garbage, random syntax and random bytes give errors, never a crash")
    func garbageGivesErrors() async throws {
        await propertyCheck(count: 400, input: Self.syntax) { yaml in
            let result = ManifestTestPlugins.loader(["X": "1"]).validate(yaml: yaml, fileName: "bot.yaml")
            if case .failure(let errors) = result { #expect(!errors.errors.isEmpty) }
        }
        let bytes = Gen.element(of: Array(0...255) as [UInt8]).compactMap { $0 }.array(of: 0...300)
        await propertyCheck(count: 300, input: bytes) { bytes in
            let text = String(decoding: bytes, as: UTF8.self)
            if case .failure(let errors) = ManifestTestPlugins.loader().validate(yaml: text, fileName: "bot.yaml") {
                #expect(!errors.errors.isEmpty)
            }
        }
    }

    /// Path steps, ordinary and hostile.
    static let steps = Gen.element(of: [
        "..", ".", "", "a", "bots", "ü", "日本", "..%2f", "．．", "…", "~", "x.sqlite", " ", "-", ".hidden", "..a",
    ]).compactMap { $0 }.array(of: 1...6)

    @Test("a database path is accepted only inside the data folder, however it is spelled")
    func databasePathsStayInside() async throws {
        await propertyCheck(count: 400, input: zip(Self.steps, Gen.bool)) { steps, absolute in
            let path = (absolute ? "/" : "") + steps.joined(separator: "/")
            let escapes = absolute || steps.contains("..")
            let yaml = "token: \(ManifestTokens.first)\nplugins: [quiet]\ndatabase: \"\(path)\"\n"
            switch ManifestTestPlugins.loader().validate(yaml: yaml, fileName: "bot.yaml") {
            case .success(let bot):
                #expect(!escapes, "\(path) was accepted")
                let file = bot.manifest.databaseFile
                #expect(!file.hasPrefix("/") && !file.split(separator: "/").contains(".."), "\(path) → \(file)")
                let options = HostOptions(botsDirectory: "bots.d", dataDirectory: "/srv/data")
                #expect(options.databasePath(for: bot.manifest).hasPrefix("/srv/data/"))
            case .failure(let errors):
                #expect(errors.errors.count == 1 && errors.errors[0].key == "database", "\(path): \(errors)")
            }
        }
    }

    @Test("the reproduction: database: ../victimdir/victim.txt is refused when the manifest loads")
    func issueDatabaseEscape() throws {
        let errors = try folder.errors(
            "token: \(ManifestTokens.first)\nplugins: [quiet]\ndatabase: ../victimdir/victim.txt\n"
        )
        #expect(
            errors == [
                "bot.yaml:3: database: '../victimdir/victim.txt' steps out of --data-dir with '..'; "
                    + "a database stays inside it: write a path such as han-ru.sqlite"
            ]
        )
    }

    @Test("two manifests naming one database file, in any spelling, are both refused")
    func sharedDatabasesAreRefused() async throws {
        let spellings = Gen.element(of: [
            "shared.sqlite", "./shared.sqlite", ".//shared.sqlite", "SHARED.sqlite", "./Shared.SQLite",
        ])
        .compactMap { $0 }
        await propertyCheck(count: 30, input: zip(spellings, spellings)) { first, second in
            let directory = try ManifestFolder()
            try directory.write(
                "han.yaml",
                "token: \(ManifestTokens.first)\nplugins: [quiet]\ndatabase: \"\(first)\"\n"
            )
            try directory.write(
                "lumen.yaml",
                "token: \(ManifestTokens.second)\nplugins: [quiet]\ndatabase: \"\(second)\"\n"
            )
            let scan = ManifestTestPlugins.loader().scan(directory: directory.path)
            #expect(scan.bots.isEmpty)
            #expect(
                scan.errors.map { directory.relative($0.description) }.map { String($0.prefix(28)) } == [
                    "han.yaml:3: database: the da", "lumen.yaml:3: database: the ",
                ]
            )
        }
    }

    @Test("conflicts between manifests name the ${…} that read an id or a database, never its value")
    func conflictsAreRedacted() async throws {
        await propertyCheck(count: 30, input: zip(Self.variableNames, Gen.int(in: 100_000...999_999))) { name, number in
            let secret = "s\(number)-\(number)"
            let directory = try ManifestFolder()
            for (file, token) in [("a.yaml", ManifestTokens.first), ("b.yaml", ManifestTokens.second)] {
                try directory.write(file, "id: ${\(name)}\ntoken: \(token)\nplugins: [quiet]\ndatabase: ${\(name)}.db\n")
            }
            let scan = ManifestTestPlugins.loader([name: secret]).scan(directory: directory.path)
            #expect(scan.errors.count == 2)
            #expect(scan.errors.allSatisfy { !$0.description.contains(secret) && $0.message.contains("${\(name)}") })
        }
    }

    @Test("the reproduction: lumen naming han's default database file is refused, and so is han")
    func issueSharedDatabase() throws {
        try folder.write("han-ru.yaml", "token: \(ManifestTokens.first)\nplugins: [quiet]\n")
        try folder.write("lumen.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\ndatabase: han-ru.sqlite\n")
        let scan = ManifestTestPlugins.loader().scan(directory: folder.path)
        #expect(scan.bots.isEmpty)
        #expect(
            scan.errors.map { folder.relative($0.description) } == [
                "han-ru.yaml: database: the database file 'han-ru.sqlite' in --data-dir is also used by "
                    + "lumen.yaml; both manifests are refused until one changes",
                "lumen.yaml:3: database: the database file 'han-ru.sqlite' in --data-dir is also used by "
                    + "han-ru.yaml; both manifests are refused until one changes",
            ]
        )
    }

    @Test("the reproduction: locale: \"${HAN_RU_TOKEN}\" names the variable, never its value")
    func issueLocaleEcho() throws {
        let token = "100000001:" + String(repeating: "s", count: 35)
        let errors = try folder.errors(
            "token: \(ManifestTokens.first)\nplugins: [quiet]\nlocale: \"${HAN_RU_TOKEN}\"\nname: ${HAN_RU_TOKEN}\n",
            environment: ["HAN_RU_TOKEN": token]
        )
        #expect(
            errors == [
                "bot.yaml:3: locale: '${HAN_RU_TOKEN}' is not a language code; use a code such as ru, en or pt-br"
            ]
        )
    }
}

extension Result where Failure == ManifestErrors {
    /// The errors as printed, or none.
    var errors: [String] {
        switch self {
        case .success: []
        case .failure(let failure): failure.errors.map(\.description)
        }
    }
}
