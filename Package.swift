// swift-tools-version:6.1
import PackageDescription

// The worker side is the libraries LavaCore, Curl, LavaClient, LavaWorker, LavaDispatcher,
// DockerEngine, DockerWorker, Systemd and Seccomp, and the executables lava-worker, lava-run and
// lava-docker-worker built from them. Each may depend on Foundation, Yams, the C libraries declared
// here (libcurl, SQLite, libsystemd, libseccomp) and NIO-free packages only: swift-log,
// swift-argument-parser, swift-async-algorithms, swift-crypto, swift-service-lifecycle's
// ServiceLifecycle and UnixSignals, swift-metrics, swift-prometheus and FlyingFox, so that the
// worker binaries stay free of SwiftNIO. ImagesTests' NoNIOTests checks the linked binaries for it.
// The server side (LavaServer, lava-server) carries Hummingbird, SwiftNIO, SQLKit and the drivers.
let package = Package(
    name: "lava-swift",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lava-server", targets: ["lava-server"]),
        .executable(name: "lava-worker", targets: ["lava-worker"]),
        .executable(name: "lava-run", targets: ["lava-run"]),
        .executable(name: "lava-docker-worker", targets: ["lava-docker-worker"]),
        .library(name: "LavaCore", targets: ["LavaCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // The server's web pages (server/templates).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // lava-docker-worker's metrics listener: BSD sockets and Swift concurrency, no NIO.
        .package(url: "https://github.com/swhitty/FlyingFox.git", from: "0.27.1"),
        // Named because LavaServer imports NIOCore, NIOPosix, NIOHTTP1, NIOWebSocket, NIOHTTPTypes
        // and NIOHTTPTypesHTTP1 itself (they come with Hummingbird anyway); no worker-side target
        // may depend on them.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        .target(
            name: "LavaCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Crypto (swift-crypto, NIO-free) for the WebSocket handshake's SHA-1.
        .target(name: "Curl", dependencies: ["CCurl", .product(name: "Crypto", package: "swift-crypto")]),
        // The system's SQLite, for the worker's job database (the server's SQLiteNIO is NIO-bound).
        .systemLibrary(
            name: "CSystemSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // glibc's posix_spawn_file_actions_addclosefrom_np, for lava-worker's spawn of lava-run.
        .systemLibrary(name: "CSpawn"),
        .target(name: "DockerEngine", dependencies: ["Curl"]),
        // sd_notify and the journal for lava-docker-worker under systemd.
        .systemLibrary(
            name: "CSystemd",
            pkgConfig: "libsystemd",
            providers: [.apt(["libsystemd-dev"])]
        ),
        .target(
            name: "Systemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]
        ),
        // libseccomp, for the filters that keep a privileged worker's processes off the host.
        .systemLibrary(
            name: "CSeccomp",
            pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]
        ),
        .target(name: "Seccomp", dependencies: [
            "CSeccomp", .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The worker side of LAVA's HTTP protocol: what lava-worker, lava-run and lava-docker-worker
        // ask the server, and the exit statuses between a worker and its supervisor.
        .target(name: "LavaClient", dependencies: ["LavaCore", "Curl", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "LavaWorker",
            dependencies: [
                "LavaCore", "LavaClient", "Curl", "CSystemSQLite", "CSpawn",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LavaDispatcher",
            dependencies: [
                "LavaCore", "LavaClient", "DockerEngine", "Curl",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "lava-worker",
            dependencies: [
                "LavaWorker", "LavaClient", "LavaCore", "Curl", "Seccomp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "DockerWorker",
            dependencies: [
                "LavaCore", "LavaClient", "DockerEngine", "Curl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "lava-docker-worker",
            dependencies: [
                "DockerWorker", "DockerEngine", "LavaClient", "LavaCore", "LavaWorker", "Systemd", "Curl", "Seccomp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "FlyingFox", package: "FlyingFox"),
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ]
        ),
        .executableTarget(
            name: "lava-run",
            dependencies: ["LavaDispatcher", "LavaClient", "LavaCore", "Seccomp", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // libexpat, for the XML-RPC calls lavacli posts to /RPC2.
        .systemLibrary(
            name: "CExpat",
            pkgConfig: "expat",
            providers: [.apt(["libexpat1-dev"])]
        ),
        // XML-RPC values, calls read with libexpat under limits, and responses: the server's /RPC2.
        .target(name: "XMLRPC", dependencies: ["CExpat"]),
        .target(
            name: "LavaServer",
            dependencies: [
                "LavaCore", "XMLRPC",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
            ]
        ),
        .executableTarget(
            name: "lava-server",
            dependencies: [
                "LavaServer", "LavaCore",
                // sd_notify, so that the server's and the scheduler's units can be Type=notify.
                "Systemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // libFuzzer's driver entry, for lava-fuzz built by scripts/fuzz.sh (nothing to link otherwise).
        .systemLibrary(name: "CLibFuzzer"),
        // The fuzz targets of the parsers of untrusted input; a replayer of inputs in the normal build.
        .executableTarget(
            name: "lava-fuzz",
            dependencies: ["CLibFuzzer", "LavaCore", "LavaDispatcher", "DockerEngine", "Curl", "XMLRPC", .product(name: "Yams", package: "Yams")]
        ),
        // bench/README.md: DockerClient.exec timed against a real engine.
        .executableTarget(name: "lava-bench-exec", dependencies: ["DockerEngine"], path: "bench/exec-latency"),
        // bench/README.md: a system call's cost under lava-worker's seccomp filter.
        .executableTarget(name: "lava-bench-seccomp", dependencies: ["Seccomp"], path: "bench/seccomp-cost"),
        .testTarget(name: "LavaCoreTests", dependencies: ["LavaCore", "LavaTestSupport"]),
        .testTarget(name: "XMLRPCTests", dependencies: ["XMLRPC", "LavaTestSupport"]),
        .testTarget(name: "SeccompTests", dependencies: ["Seccomp", "DockerEngine", "LavaTestSupport"]),
        // The WebSocket client's tests run a Hummingbird WebSocket server on loopback (NIO in a
        // test target is fine; the client itself stays NIO-free).
        .testTarget(
            name: "CurlTests",
            dependencies: [
                "Curl", "LavaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "DockerEngineTests", dependencies: ["DockerEngine", "LavaTestSupport"]),
        .testTarget(
            name: "DockerWorkerTests",
            dependencies: [
                "DockerWorker", "DockerEngine", "LavaClient", "LavaTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "SystemdTests", dependencies: ["Systemd", "DockerEngine", "LavaTestSupport"]),
        .testTarget(name: "LavaDispatcherTests", dependencies: ["LavaDispatcher", "LavaClient", "LavaTestSupport"]),
        .testTarget(name: "ImagesTests", dependencies: ["LavaTestSupport", "DockerEngine", "Curl"]),
        .target(
            name: "LavaTestSupport",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird"), "DockerEngine", "Curl"],
            path: "Tests/LavaTestSupport"
        ),
        .testTarget(
            name: "LavaWorkerTests",
            dependencies: [
                "LavaWorker",
                "LavaClient",
                "Curl",
                "DockerEngine",
                "LavaDispatcher",
                "LavaServer",
                "LavaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "LavaServerTests",
            dependencies: [
                "LavaServer",
                "LavaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
    ]
)
