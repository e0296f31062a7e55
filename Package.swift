// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "Lectern",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LecternProtocol", targets: ["LecternProtocol"]),
        .library(name: "LecternStorage", targets: ["LecternStorage"]),
        .executable(name: "lectern-bench", targets: ["lectern-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Wire codec: hand-written protobuf encoders and decoders for every message in Protos/.
        .target(name: "LecternProtocol", swiftSettings: strict),
        // Debian's libsqlite3-dev.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The SQLite store: writer queue with group commit, read pool, migrations.
        .target(name: "LecternStorage", dependencies: ["CSQLite"], swiftSettings: strict),
        .executableTarget(
            name: "lectern-bench",
            dependencies: [
                "LecternProtocol",
                "LecternStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LecternStorageTests",
            dependencies: ["LecternStorage"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LecternProtocolTests",
            dependencies: ["LecternProtocol"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
