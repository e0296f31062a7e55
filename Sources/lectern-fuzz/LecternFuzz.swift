// lectern-fuzz: a libFuzzer target for the frame decoder and every message decoder
// (`FuzzInput`). Built by Scripts/fuzz with `-sanitize=fuzzer,address -DFUZZING`; built
// normally, it replays the files it is given (the committed corpus, a crash) and exits 1 on
// the first failure.
import Foundation
import LecternFuzzing

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
        try FuzzInput.check(UnsafeRawBufferPointer(start: data, count: size))
    } catch {
        fatalError("\(error)")
    }
    return 0
}

#if FUZZING
/// libFuzzer's driver; SwiftPM names an executable's entry point after the target, so the
/// fuzzer is started from there instead of from libFuzzer's own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("lectern_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    // Lazily made statics (field tables) live for the whole run; made before the first
    // input, LeakSanitizer does not take them for a leak of that input.
    FuzzInput.warmUp()
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
@main
enum Replay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--write-seeds", arguments.count == 3 {
            writeSeeds(to: arguments[1], fixtures: arguments[2])
            return
        }
        var checked = 0
        for path in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                print("\(path): no such file")
                exit(2)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                do {
                    try data.withUnsafeBytes { try FuzzInput.check($0) }
                    checked += 1
                } catch {
                    print("\(file): \(error)")
                    exit(1)
                }
            }
        }
        print("lectern-fuzz: \(checked) inputs replayed, no failure")
    }

    /// `lectern-fuzz --write-seeds DIR FIXTURES`: the seed corpus, from the golden fixtures.
    static func writeSeeds(to directory: String, fixtures: String) {
        var golden: [String: [UInt8]] = [:]
        for file in (try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? [] where file.hasSuffix(".bin") {
            golden[String(file.dropLast(4))] = FileManager.default.contents(atPath: fixtures + "/" + file).map(Array.init)
        }
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let seeds = FuzzInput.seeds(fixtures: golden)
        for seed in seeds { _ = FileManager.default.createFile(atPath: directory + "/" + seed.name, contents: Data(seed.bytes)) }
        print("lectern-fuzz: \(seeds.count) seeds written to \(directory)")
    }
}
#endif
