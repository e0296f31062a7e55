import Foundation
import LecternFuzzing
import Testing

/// Every input in Fuzz/corpus (the seed corpus and every crash the fuzzer ever found) goes
/// through the fuzzer's checks: no crash, and what decodes survives encode and decode.
@Suite("Fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/corpus").standardized.path

    @Test("every committed fuzz input passes the fuzzer's checks")
    func replay() throws {
        var files: [String] = []
        if let enumerator = FileManager.default.enumerator(atPath: Self.corpus) {
            for case let path as String in enumerator where !path.hasSuffix("README.md") { files.append(Self.corpus + "/" + path) }
        }
        var replayed = 0
        for file in files.sorted() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: file) else { continue }
            #expect(throws: Never.self, "\(file)") { try data.withUnsafeBytes { try FuzzInput.check($0) } }
            replayed += 1
        }
        #expect(replayed >= 10, "the corpus is at \(Self.corpus)")
    }
}
