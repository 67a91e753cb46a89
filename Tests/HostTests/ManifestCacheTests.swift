import Foundation
@testable import Host
import PropertyBased
import Testing

/// A rescan validates only the manifests whose bytes changed, and always sees what the files hold.
@Suite("Manifest cache")
struct ManifestCacheTests {
    let folder: ManifestFolder

    init() throws {
        folder = try ManifestFolder()
    }

    /// Three manifests of one bot that mean different things.
    static let texts = [
        "token: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "name: Renamed\ntoken: \(ManifestTokens.first)\nplugins: [quiet]\n",
        "token: \(ManifestTokens.first)\nplugins: [quiet]\ncolor: red\n",
        "token: \(ManifestTokens.first)\nplugins: [quiet]\nname: Reds\n",
    ]

    /// The scan as the host logs it: each bot's id and name, and each error.
    static func summary(_ scan: ManifestScan) -> [String] {
        scan.bots.map { "\($0.manifest.id)=\($0.manifest.name)" } + scan.errors.map(\.description)
    }

    @Test("an unchanged file is not validated again; a changed one is, and the scan shows its new content")
    func changedAndUnchanged() throws {
        let loader = ManifestTestPlugins.loader()
        try folder.write("a.yaml", Self.texts[0])
        try folder.write("b.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        _ = loader.scan(directory: folder.path)
        #expect(loader.cache.validations == 2)

        _ = loader.scan(directory: folder.path)
        #expect(loader.cache.validations == 2)

        try folder.write("a.yaml", Self.texts[1])
        let scan = loader.scan(directory: folder.path)
        #expect(loader.cache.validations == 3)
        #expect(Self.summary(scan) == ["a=Renamed", "b=b"])
    }

    @Test("a file written again with the same bytes and a new modification time is not validated again")
    func sameBytesNewTime() throws {
        let loader = ManifestTestPlugins.loader()
        let file = try folder.write("a.yaml", Self.texts[0])
        _ = loader.scan(directory: folder.path)
        try folder.write("a.yaml", Self.texts[0])
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 3_600)], ofItemAtPath: file)
        let scan = loader.scan(directory: folder.path)
        #expect(loader.cache.validations == 1)
        #expect(Self.summary(scan) == ["a=a"])
    }

    @Test("a file whose stamp has settled is not read again; one written since is, at once")
    func settledStampSkipsTheRead() throws {
        let loader = ManifestLoader(
            registry: ManifestTestPlugins.registry, environment: [:], cache: ManifestCache(settled: .zero))
        try folder.write("a.yaml", Self.texts[0])
        try folder.write("b.yaml", "token: \(ManifestTokens.second)\nplugins: [quiet]\n")
        _ = loader.scan(directory: folder.path)
        #expect(loader.cache.reads == 2)
        _ = loader.scan(directory: folder.path)
        #expect(loader.cache.reads == 2)

        try folder.write("a.yaml", Self.texts[1])
        let scan = loader.scan(directory: folder.path)
        #expect(loader.cache.reads == 3)
        #expect(loader.cache.validations == 3)
        #expect(Self.summary(scan) == ["a=Renamed", "b=b"])
    }

    @Test("a file changed within the settling window is read at every scan, so a same-size rewrite is seen")
    func recentStampIsNotTrusted() throws {
        let loader = ManifestTestPlugins.loader()
        #expect(Self.texts[2].utf8.count == Self.texts[3].utf8.count)
        try folder.write("a.yaml", Self.texts[2])
        _ = loader.scan(directory: folder.path)
        _ = loader.scan(directory: folder.path)
        #expect(loader.cache.reads == 2)
        try folder.write("a.yaml", Self.texts[3])
        #expect(Self.summary(loader.scan(directory: folder.path)) == ["a=Reds"])
    }

    @Test("a file changed back and forth always scans as a fresh loader scans it, validated once per change")
    func backAndForth() async throws {
        let folder = self.folder
        let loader = ManifestTestPlugins.loader()
        let writes = Gen.int(in: 0...(Self.texts.count - 1)).array(of: 1...12)
        await propertyCheck(count: 40, input: writes) { sequence in
            let before = loader.cache.validations
            var changes = 0
            var previous: Int?
            try? FileManager.default.removeItem(atPath: folder.path + "/a.yaml")
            _ = loader.scan(directory: folder.path)
            for text in sequence {
                _ = try? folder.write("a.yaml", Self.texts[text])
                if text != previous { changes += 1 }
                previous = text
                let cached = Self.summary(loader.scan(directory: folder.path))
                let fresh = Self.summary(ManifestTestPlugins.loader().scan(directory: folder.path))
                #expect(cached.map(folder.relative) == fresh.map(folder.relative), "\(sequence)")
            }
            #expect(loader.cache.validations - before == changes, "\(sequence)")
        }
    }

    @Test("a manifest reading a token_file sees the file's new token though the manifest did not change")
    func tokenFileChanges() throws {
        let loader = ManifestTestPlugins.loader()
        try folder.write("secret.txt", ManifestTokens.first + "\n")
        try folder.write("a.yaml", "token_file: secret.txt\nplugins: [quiet]\n")
        #expect(loader.scan(directory: folder.path).bots.first?.manifest.token?.value == ManifestTokens.first)
        try folder.write("secret.txt", ManifestTokens.third + "\n")
        #expect(loader.scan(directory: folder.path).bots.first?.manifest.token?.value == ManifestTokens.third)
    }

    @Test("a cached manifest still takes part in the cross-file checks when another file starts to clash")
    func conflictsWithCachedFiles() throws {
        let loader = ManifestTestPlugins.loader()
        try folder.write("a.yaml", Self.texts[0])
        #expect(loader.scan(directory: folder.path).bots.map(\.manifest.id) == ["a"])
        try folder.write("b.yaml", "token: \(ManifestTokens.first)\nplugins: [quiet]\n")
        let clash = loader.scan(directory: folder.path)
        #expect(clash.bots.isEmpty)
        #expect(clash.errors.map(\.key) == ["token", "token"])
        try FileManager.default.removeItem(atPath: folder.path + "/b.yaml")
        #expect(loader.scan(directory: folder.path).bots.map(\.manifest.id) == ["a"])
        #expect(loader.cache.validations == 2)
    }

    @Test("any mix of shared ids, databases and tokens refuses exactly the manifests a pairwise check refuses")
    func conflictsMatchPairwise() async throws {
        let folder = self.folder
        let tokens = [
            ManifestTokens.first, ManifestTokens.second, ManifestTokens.third,
            "42:" + String(repeating: "D", count: 35),
        ]
        let manifest = zip(Gen.int(in: 0...3), Gen.int(in: 0...3), Gen.int(in: 0...3))
        await propertyCheck(count: 60, input: manifest.array(of: 1...6)) { specs in
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
            for name in names ?? [] { try? FileManager.default.removeItem(atPath: folder.path + "/" + name) }
            for (index, spec) in specs.enumerated() {
                let yaml =
                    "id: bot\(spec.0)\ndatabase: db\(spec.1).sqlite\ntoken: \(tokens[spec.2])\nplugins: [quiet]\n"
                _ = try? folder.write("f\(index).yaml", yaml)
            }
            var expected: [Int] = []
            var errorCount = 0
            for (one, first) in specs.enumerated() {
                var clashes = 0
                for (other, second) in specs.enumerated() where other != one {
                    if first.0 == second.0 { clashes += 1 }
                    if first.0 != second.0, first.1 == second.1 { clashes += 1 }
                    if first.2 == second.2 { clashes += 1 }
                }
                if clashes == 0 { expected.append(one) }
                errorCount += clashes
            }
            let scan = ManifestTestPlugins.loader().scan(directory: folder.path)
            #expect(scan.bots.map(\.manifest.file) == expected.map { folder.path + "/f\($0).yaml" }, "\(specs)")
            #expect(scan.errors.count == errorCount, "\(specs)")
        }
    }
}
