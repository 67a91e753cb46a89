import PropertyBased
import Testing
@testable import Host
#if canImport(Glibc)
import Glibc
#endif

/// The host's open-file limit and the default bound on open bot databases drawn from it.
@Suite("Open-file limit")
struct OpenFileLimitTests {
    @Test("the default database bound leaves most files to connections, within 64 and 1,000 databases")
    func defaultBound() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...10_000_000)) { files in
            let limit = OpenFileLimit.defaultDatabaseLimit(forOpenFiles: files)
            #expect((OpenFileLimit.fewestDatabases...OpenFileLimit.mostDatabases).contains(limit))
            if files >= OpenFileLimit.fewestDatabases * 8 {
                #expect(limit * 3 <= files * 3 / 8, "three files a database: at most three eighths of \(files)")
            }
        }
        #expect(OpenFileLimit.defaultDatabaseLimit(forOpenFiles: Int.max) == 1_000)
    }

    @Test("raising sets the soft limit to the hard limit and returns it")
    func raisesToHardLimit() {
        let raised = OpenFileLimit.raise()
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur == limit.rlim_max)
        #expect(raised == (limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)))
    }
}
