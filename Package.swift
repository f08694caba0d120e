// swift-tools-version: 6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "CloudCafe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cloudcafe", targets: ["cloudcafe"]),
        .library(name: "Engine", targets: ["Engine"]),
        // The engine in process for Swift test suites (docs/testing.md).
        .library(name: "CloudCafeTesting", targets: ["CloudCafeTesting"]),
        // What `make fuzz` drives (Fuzz/Package.swift) and `make test` replays.
        .library(name: "FuzzEntries", targets: ["FuzzEntries"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "CloudCafeCore",
            dependencies: [.product(name: "Logging", package: "swift-log"), .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: settings),
        // One generated module per service (scripts/generate.py): shapes, bindings, validation.
        .target(name: "IAMAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/IAMAPI", swiftSettings: settings),
        .target(name: "STSAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/STSAPI", swiftSettings: settings),
        .target(name: "CloudWatchLogsAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/CloudWatchLogsAPI", swiftSettings: settings),
        .target(name: "SSMAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/SSMAPI", swiftSettings: settings),
        .target(name: "SQSAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/SQSAPI", swiftSettings: settings),
        .target(name: "LambdaAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/LambdaAPI", swiftSettings: settings),
        .target(name: "SNSAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/SNSAPI", swiftSettings: settings),
        .target(name: "EventBridgeAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/EventBridgeAPI", swiftSettings: settings),
        .target(name: "SchedulerAPI", dependencies: ["CloudCafeCore"], path: "Sources/API/SchedulerAPI", swiftSettings: settings),
        // Services: each over its own API module and the API modules of the services it calls.
        .target(
            name: "IAM", dependencies: ["CloudCafeCore", "IAMAPI", "STSAPI", .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Resources/aws-managed-policies")], swiftSettings: settings),
        .target(
            name: "CloudWatchLogs", dependencies: ["CloudCafeCore", "CloudWatchLogsAPI", "LambdaAPI", .product(name: "Logging", package: "swift-log")],
            swiftSettings: settings),
        .target(name: "SSM", dependencies: ["CloudCafeCore", "SSMAPI"], swiftSettings: settings),
        .target(name: "SQS", dependencies: ["CloudCafeCore", "SQSAPI", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: settings),
        .target(
            name: "Lambda",
            dependencies: [
                "CloudCafeCore", "LambdaAPI", "CloudWatchLogsAPI", "STSAPI", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: settings),
        .target(
            name: "SNS",
            dependencies: [
                "CloudCafeCore", "SNSAPI", "LambdaAPI", "SQSAPI", "PlainHTTP", .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ], swiftSettings: settings),
        .target(
            name: "EventBridge",
            dependencies: [
                "CloudCafeCore", "EventBridgeAPI", "SchedulerAPI", "LambdaAPI", "SNSAPI", "SQSAPI", "STSAPI", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        // Outgoing HTTP (SNS deliveries, OTLP, the CLI): NIO, not FoundationNetworking and libcurl.
        .target(
            name: "PlainHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: settings),
        // Functions' own code as local processes speaking the Lambda Runtime API.
        .target(name: "CSpawn"),
        .target(
            name: "Runtimes",
            dependencies: [
                "CloudCafeCore", "CSpawn", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The clock shim's C source: `cloudcafe runtimes install` compiles it for functions to preload.
            resources: [.copy("Resources/clockshim.c")],
            swiftSettings: settings),
        .target(
            name: "CafeReport",
            dependencies: ["CloudCafeCore", "LambdaAPI", "SSMAPI", "SNSAPI", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Resources/cafe_db")],
            swiftSettings: settings),
        .target(
            name: "Engine",
            dependencies: [
                "CloudCafeCore", "IAM", "CloudWatchLogs", "SSM", "Lambda", "SNS", "SQS", "EventBridge", "CafeReport", "Runtimes", "PlainHTTP",
                "IAMAPI", "LambdaAPI", "SNSAPI", "SSMAPI", "EventBridgeAPI", "CloudWatchLogsAPI",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("Resources/stacks")],
            swiftSettings: settings),
        .target(
            name: "CloudCafeTesting",
            dependencies: ["Engine", "CloudCafeCore", "CafeReport", "SNS", "LambdaAPI"],
            swiftSettings: settings),
        .target(
            name: "Gateway",
            dependencies: [
                "Engine", "CloudCafeCore", "EventBridge", "SNS", "Lambda", "IAM", "SNSAPI", "LambdaAPI", "CloudWatchLogsAPI", "SQSAPI", "SSMAPI", "IAMAPI",
                "EventBridgeAPI", "SchedulerAPI",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: settings),
        .target(
            name: "FuzzEntries",
            dependencies: ["CloudCafeCore", "CloudWatchLogs", "Gateway", "IAM", "EventBridge", "SNS", "SNSAPI", "IAMAPI"],
            swiftSettings: settings),
        // The fuzz driver: a replayer normally, a libFuzzer target under `make fuzz`.
        .executableTarget(name: "cloudcafe-fuzz", dependencies: ["FuzzEntries"], path: "Fuzz/Driver", swiftSettings: settings),
        .executableTarget(
            name: "cloudcafe",
            dependencies: [
                "Gateway", "Engine", "CafeReport", "CloudCafeCore", "IAM", "PlainHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: settings),
        .executableTarget(
            name: "cloudcafe-bench",
            dependencies: [
                "Engine", "EventBridge", "EventBridgeAPI", "Gateway", "IAM", "IAMAPI", "CloudCafeCore", "CloudWatchLogsAPI", "SNSAPI", "SQSAPI", "LambdaAPI",
            ],
            path: "Benchmarks/CloudCafeBench",
            swiftSettings: settings),
        .executableTarget(
            name: "cloudcafe-bare", dependencies: [.product(name: "Hummingbird", package: "hummingbird")], path: "Benchmarks/BareServer",
            swiftSettings: settings),
        .testTarget(name: "CloudCafeCoreTests", dependencies: ["CloudCafeCore"], swiftSettings: settings),
        .testTarget(
            name: "APITests",
            dependencies: [
                "CloudCafeCore", "SNSAPI", "LambdaAPI", "IAMAPI", "STSAPI", "EventBridgeAPI", "SchedulerAPI", "CloudWatchLogsAPI", "SSMAPI", "SQSAPI",
            ],
            swiftSettings: settings),
        .testTarget(name: "EventBridgeTests", dependencies: ["EventBridge", "CloudCafeCore"], swiftSettings: settings),
        .testTarget(name: "CafeReportTests", dependencies: ["CafeReport", "CloudCafeCore", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: settings),
        .testTarget(name: "SNSTests", dependencies: ["SNS", "CloudCafeCore"], swiftSettings: settings),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Engine", "CloudCafeCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ], swiftSettings: settings),
        .testTarget(name: "FuzzReplayTests", dependencies: ["FuzzEntries"], swiftSettings: settings),
        .testTarget(name: "CloudCafeTestingTests", dependencies: ["CloudCafeTesting", "CloudCafeCore", "SSMAPI"], swiftSettings: settings),
        .testTarget(
            name: "RuntimesTests", dependencies: ["Runtimes", "CloudCafeCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: settings),
        .testTarget(name: "SQSTests", dependencies: ["SQS", "SQSAPI", "CloudCafeCore"], swiftSettings: settings),
        .testTarget(name: "SSMTests", dependencies: ["SSM", "SSMAPI", "CloudCafeCore"], swiftSettings: settings),
        .testTarget(
            name: "CloudWatchLogsTests", dependencies: ["CloudWatchLogs", "CloudWatchLogsAPI", "CloudCafeCore", "Lambda", "IAM"], swiftSettings: settings),
        .testTarget(name: "IAMTests", dependencies: ["IAM", "CloudCafeCore"], swiftSettings: settings),
        .testTarget(name: "LambdaTests", dependencies: ["Lambda", "LambdaAPI", "CloudWatchLogs", "CloudWatchLogsAPI", "CloudCafeCore", "IAM", "IAMAPI"], swiftSettings: settings),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "IAM", "CloudCafeCore", "Lambda", "SNS", "SSM", "CloudWatchLogs", "EventBridge", "CafeReport", "LambdaAPI", "SSMAPI",
                "CloudWatchLogsAPI", "IAMAPI", "EventBridgeAPI",
            ], swiftSettings: settings),
    ]
)
