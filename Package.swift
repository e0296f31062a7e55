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
        .executable(name: "lecternd", targets: ["lecternd"]),
        .executable(name: "lectern", targets: ["lectern"]),
        .executable(name: "lectern-bench", targets: ["lectern-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // A pthread lock that ThreadSanitizer can see, used instead of Synchronization.Mutex
        // only in Scripts/sanitize's thread build (-DTSAN_LOCKS).
        .target(name: "LecternLocks", swiftSettings: strict),
        // Wire codec: hand-written protobuf encoders and decoders for every message in Protos/.
        .target(
            name: "LecternProtocol",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // The RPC server on a Unix socket (SwiftNIO): framing, calls, limits, shutdown.
        .target(
            name: "LecternServer",
            dependencies: [
                "LecternProtocol", "LecternLocks",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The Swift client: connections, calls, typed clients per service.
        .target(
            name: "LecternClient",
            dependencies: [
                "LecternProtocol", "LecternLocks",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Debian's libsodium-dev: argon2id password hashes, random tokens, BLAKE2b.
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Debian's libsqlite3-dev.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // The SQLite store: writer queue with group commit, read pool, migrations.
        .target(name: "LecternStorage", dependencies: ["CSQLite", "LecternLocks"], swiftSettings: strict),
        // The services on top of the store: Auth, Reader, Consultant, Admin, Health.
        .target(
            name: "LecternServices",
            dependencies: [
                "CSodium", "LecternProtocol", "LecternServer", "LecternStorage", "LecternLocks",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "lecternd",
            dependencies: [
                "LecternServer", "LecternServices", "LecternStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "lectern",
            dependencies: [
                "LecternClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // What the fuzzer checks for one input; shared by lectern-fuzz and the corpus replay test.
        .target(
            name: "LecternFuzzing",
            dependencies: ["LecternProtocol", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        // A libFuzzer target (Scripts/fuzz); built normally, it replays inputs it is given.
        .executableTarget(name: "lectern-fuzz", dependencies: ["LecternFuzzing"], swiftSettings: strict),
        .executableTarget(
            name: "lectern-bench",
            dependencies: [
                "LecternProtocol",
                "LecternStorage",
                "LecternClient",
                "LecternServices",
                "LecternLocks",
                "CSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Helpers the test targets share: starting child processes.
        .target(name: "LecternTestSupport", path: "Tests/LecternTestSupport", swiftSettings: strict),
        .testTarget(
            name: "LecternServicesTests",
            dependencies: [
                "LecternServices", "LecternServer", "LecternClient", "LecternStorage", "LecternProtocol", "LecternTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LecternServerTests",
            dependencies: [
                "LecternServer", "LecternClient", "LecternProtocol",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
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
            dependencies: ["LecternProtocol", "LecternFuzzing", "LecternTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
