import Foundation
@testable import Host
import Testing

@Suite("Manifest scan")
struct ManifestScanTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    func scan() -> (ids: [String], errors: [String]) {
        let scan = ManifestTestPlugins.loader().scan(directory: folder.path)
        return (scan.bots.map(\.manifest.id), scan.errors.map { folder.relative($0.description) })
    }

    @Test("every *.yaml and *.yml loads, in name order; other files are ignored")
    func filesAndOrder() throws {
        try folder.write("b.yml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        try folder.write("a.yaml", "token: \(ManifestTokens.first)\nplugins: [quiet]\n")
        try folder.write("notes.txt", "not a manifest")
        try folder.write("c.yaml.disabled", "broken: [")
        #expect(scan().ids == ["a", "b"])
        #expect(scan().errors == [])
    }

    @Test("errors are grouped per file, in file then line order; a file with an error yields no bot")
    func grouping() throws {
        try folder.write("a.yaml", "token: \(ManifestTokens.first)\nplugins: [quiet]\ncolor: red\nenabled: sure\n")
        try folder.write("b.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        try folder.write("c.yaml", "plugins: [nope]\ntoken: ${C_TOKEN}\n")
        let result = scan()
        #expect(result.ids == ["b"])
        #expect(
            result.errors == [
                "a.yaml:3: color: unknown key",
                "a.yaml:4: enabled: expected true or false, found 'sure'",
                "c.yaml:1: plugins[0]: unknown plugin 'nope' " + ManifestTestPlugins.available,
                "c.yaml:2: token: C_TOKEN is not set; export it or use ${C_TOKEN:-default}",
            ]
        )
    }

    @Test("two manifests with the same id are both refused, each naming the other file")
    func duplicateID() throws {
        try folder.write("one.yaml", "name: One\nid: same\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n")
        try folder.write("same.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        try folder.write("fine.yaml", "token: \(ManifestTokens.third)\nplugins: [quiet]\n")
        let result = scan()
        #expect(result.ids == ["fine"])
        #expect(
            result.errors == [
                "one.yaml:2: id: the id 'same' is also used by same.yaml; both manifests are refused until one changes",
                "same.yaml: id: the id 'same' is also used by one.yaml; both manifests are refused until one changes",
            ]
        )
    }

    @Test("two manifests with the same token are both refused; the token is never shown")
    func duplicateToken() throws {
        try folder.write("secret.txt", ManifestTokens.second + "\n")
        try folder.write("one.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        try folder.write("two.yaml", "plugins: [quiet]\ntoken_file: secret.txt\n")
        try folder.write("fine.yaml", "token: \(ManifestTokens.third)\nplugins: [quiet]\n")
        let result = scan()
        #expect(result.ids == ["fine"])
        #expect(
            result.errors == [
                "one.yaml:1: token: the token 999:*** is also used by two.yaml; both manifests are refused until one changes",
                "two.yaml:2: token_file: the token 999:*** is also used by one.yaml; both manifests are refused until one changes",
            ]
        )
        #expect(result.errors.allSatisfy { !$0.contains(String(repeating: "B", count: 10)) })
    }

    @Test("disabled bots are kept in the scan, flagged, and still take part in the cross-file checks")
    func disabledBots() throws {
        try folder.write("off.yaml", "enabled: false\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n")
        try folder.write("on.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        let scan = ManifestTestPlugins.loader().scan(directory: folder.path)
        #expect(scan.bots.map { "\($0.manifest.id) \($0.manifest.enabled)" } == ["off false", "on true"])
        try folder.write("copy.yaml", "enabled: false\ntoken: \(ManifestTokens.second)\nplugins: [quiet]\n")
        #expect(self.scan().ids == ["off"])
    }

    @Test("a missing folder is an error; an empty one holds no bot")
    func folders() throws {
        let missing = ManifestTestPlugins.loader().scan(directory: folder.path + "/nope")
        #expect(missing.bots.isEmpty)
        #expect(
            missing.errors.map(\.description) == [
                "\(folder.path)/nope: cannot read the manifest folder; check that it exists or pass --bots-dir"
            ]
        )
        let empty = ManifestTestPlugins.loader().scan(directory: folder.path)
        #expect(empty.bots.isEmpty && empty.errors.isEmpty)
    }
}
