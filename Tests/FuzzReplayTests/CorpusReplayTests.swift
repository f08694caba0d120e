import Foundation
import FuzzEntries
import Testing

/// Every committed fuzz input (Fuzz/Corpus) and every input that once crashed (Fuzz/Crashes)
/// goes through its target again: a regression traps this test as it trapped the daemon.
struct CorpusReplayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz").standardized

    static func inputs(_ folder: String, _ target: String) -> [URL] {
        let dir = root.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzEntries.all.keys.sorted())
    func everyTargetHasASeedCorpus(_ target: String) {
        #expect(!Self.inputs("Corpus", target).isEmpty)
    }

    @Test(arguments: FuzzEntries.all.keys.sorted())
    func everyInputIsAnsweredWithoutTrapping(_ target: String) throws {
        let entry = try #require(FuzzEntries.all[target])
        let files = Self.inputs("Corpus", target) + Self.inputs("Crashes", target)
        for file in files { entry(try Data(contentsOf: file)) }
    }
}
