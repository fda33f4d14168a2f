// swift-tools-version:6.0
import PackageDescription

// One module per layer; arrows point at what a module uses:
//   Bencode <- TorrentModel <- PeerWire, Strategy, Tracker, DHT <- Engine <- TerminalUI <- CursesTerminal -> CNCurses
//   Engine <- Control (the daemon's socket protocol, server and client)
//   Engine <- SessionStore (GRDB); SwarmConfig (TOMLKit) stands alone
//   swarm uses Engine, Control, SessionStore, SwarmConfig, TerminalUI and CursesTerminal.
let package = Package(
    name: "Swarm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swarm", targets: ["swarm"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        .target(name: "Bencode"),
        .target(
            name: "TorrentModel",
            dependencies: ["Bencode", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "PeerWire",
            dependencies: ["Bencode", "TorrentModel", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(name: "Strategy", dependencies: ["TorrentModel"]),
        .target(
            name: "Tracker",
            dependencies: ["Bencode", "TorrentModel", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .target(
            name: "DHT",
            dependencies: [
                "Bencode", "TorrentModel", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Engine",
            dependencies: [
                "Bencode", "TorrentModel", "PeerWire", "Strategy", "Tracker", "DHT",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SessionStore",
            dependencies: [
                "Engine", "TorrentModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SwarmConfig", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        .executableTarget(
            name: "swarm",
            dependencies: [
                "Engine", "TorrentModel", "Bencode", "TerminalUI", "CursesTerminal", "SessionStore", "SwarmConfig",
                "Control",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // A release binary carries the Swift runtime and Foundation inside: no dynamic symbol lookups at
            // start (a quarter of a `swarm` process's start-up CPU), and one file to install. lld links it
            // without gold's warning about the static Foundation's use of mktemp.
            linkerSettings: [
                .unsafeFlags(["-static-stdlib", "-use-ld=lld"], .when(configuration: .release)),
                // What the static Foundation needs after it, in this order.
                .linkedLibrary("CoreFoundation", .when(configuration: .release)),
                .linkedLibrary("_FoundationCollections", .when(configuration: .release)),
                .linkedLibrary("_FoundationCShims", .when(configuration: .release)),
                .linkedLibrary("_FoundationICU", .when(configuration: .release)),
            ]
        ),
        .target(name: "TerminalUI", dependencies: ["Engine", "TorrentModel", "Tracker"]),
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses"),
        .target(name: "CursesTerminal", dependencies: ["TerminalUI", "CNCurses"]),
        .target(
            name: "TestSupport",
            dependencies: [
                "TorrentModel", "Bencode", "Engine", "PeerWire", .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Control",
            dependencies: [
                "Engine", "TorrentModel",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "BencodeTests", dependencies: ["Bencode"]),
        .testTarget(
            name: "TorrentModelTests", dependencies: ["TorrentModel", "Bencode", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "PeerWireTests", dependencies: ["PeerWire", "TorrentModel", "Bencode"]),
        .testTarget(name: "StrategyTests", dependencies: ["Strategy", "TorrentModel", "Bencode"]),
        .testTarget(name: "TrackerTests", dependencies: ["Tracker", "Bencode", "TorrentModel"]),
        .testTarget(
            name: "DHTTests",
            dependencies: ["DHT", "Bencode", "TorrentModel", .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "TestSupport", "TorrentModel", "PeerWire", "Bencode",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "TerminalUITests",
            dependencies: [
                "TerminalUI", "Engine", "TorrentModel", "Tracker", "TestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["__Snapshots__"]
        ),
        .testTarget(
            name: "SessionStoreTests",
            dependencies: [
                "SessionStore", "Engine", "TestSupport", "TorrentModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "SwarmConfigTests", dependencies: ["SwarmConfig"]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "Engine", "TestSupport", "TorrentModel"]),
        .testTarget(name: "InteropTests", exclude: ["Scenarios", "README.md"]),
    ],
    swiftLanguageModes: [.v6]
)
