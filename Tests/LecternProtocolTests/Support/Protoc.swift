import Foundation
import LecternTestSupport
import Testing

/// Paths in the repository and a way to run Debian's `protoc`, the independent
/// protobuf implementation the codec is checked against.
enum Protoc {
    /// The repository root, found from this file's path.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var protosDirectory: URL { repositoryRoot.appendingPathComponent("Protos") }
    static var fixturesDirectory: URL {
        repositoryRoot.appendingPathComponent("Tests/LecternProtocolTests/Fixtures")
    }
    static var testProtosDirectory: URL { fixturesDirectory.appendingPathComponent("protos") }

    /// The `.proto` files under `directory`, relative to it.
    static func protoFiles(in directory: URL) throws -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".proto") { files.append(path) }
        }
        return files.sorted()
    }

    struct Output {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
    }

    /// Runs `protoc` with `arguments` and `input` on its standard input.
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-protoc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin")
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        try Data(input).write(to: inputURL)
        let status = try spawnAndWait(["protoc"] + arguments, stdin: inputURL.path, stdout: outputURL.path, stderr: errorURL.path)
        let out = try Data(contentsOf: outputURL)
        let errors = try String(contentsOf: errorURL, encoding: .utf8)
        return Output(status: status, stdout: [UInt8](out), stderr: errors)
    }

    /// Compiles every `.proto` under `directory` (plus `Protos/` for imports) to a descriptor set.
    static func descriptorSet(of directory: URL) throws -> FileDescriptorSet {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lectern-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: output) }
        var arguments = ["--proto_path=\(directory.path)"]
        if directory != protosDirectory { arguments.append("--proto_path=\(protosDirectory.path)") }
        arguments += ["--descriptor_set_out=\(output.path)"] + (try protoFiles(in: directory))
        let result = try run(arguments)
        #expect(result.status == 0, "protoc failed: \(result.stderr)")
        #expect(result.stderr.isEmpty, "protoc warned: \(result.stderr)")
        return try FileDescriptorSet(serializedBytes: [UInt8](try Data(contentsOf: output)))
    }
}
