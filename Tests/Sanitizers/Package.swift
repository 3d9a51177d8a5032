// swift-tools-version: 6.1
//
// The unit and pipeline suites of iipsrv-async, built on their own for the sanitizers (issue 14, item 7).
//
// `.ci/sanitizers` builds this package with ThreadSanitizer and then AddressSanitizer. It depends on the root
// package by path, and its targets are the root's own test folders through the symbolic links in Links/, so the
// sources are the same files: nothing is copied. Built from here, only what these suites import is compiled
// (the library layers and swift-nio), not the HTTP frontend, Hummingbird or the OpenTelemetry exporter, which
// halves a sanitized build on two cores, nor async-http-client and BoringSSL (the remote stores are built by the
// server, above the pipeline). The process-level suites (IIPServerTests) start the built executable and
// stay in the root package.

import PackageDescription

/// The name SwiftPM gives the root package's modules with `-package-name`: its folder's name, lowercased, as an
/// identifier. The tests use `package` declarations of the root's modules, which only modules of the same package
/// name may see, so every target here is compiled with that name (and `packageAccess: false`, without which SwiftPM
/// would add this package's own name after it, and the last one wins).
let rootPackageName: String = {
    let folders = Context.packageDirectory.split(separator: "/")
    let folder = folders.count >= 3 ? folders[folders.count - 3] : "main"
    return String(folder.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
}()

let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-package-name", rootPackageName]),
]

let package = Package(
    name: "iipsrv-async-sanitizers",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "iipsrv-async", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "IIPTestSupport",
            dependencies: [
                .product(name: "IIPImaging", package: "iipsrv-async"),
                .product(name: "IIPPipeline", package: "iipsrv-async"),
                .product(name: "IIPProtocol", package: "iipsrv-async"),
            ],
            path: "Links/IIPTestSupport",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPModelTests",
            dependencies: [.product(name: "IIPModel", package: "iipsrv-async"), "IIPTestSupport"],
            path: "Links/IIPModelTests",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPProtocolTests",
            dependencies: [
                .product(name: "IIPProtocol", package: "iipsrv-async"),
                .product(name: "IIPModel", package: "iipsrv-async"), "IIPTestSupport",
            ],
            path: "Links/IIPProtocolTests",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPImagingTests",
            dependencies: [
                .product(name: "IIPImaging", package: "iipsrv-async"), "IIPTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Links/IIPImagingTests",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPPipelineTests",
            dependencies: [
                .product(name: "IIPPipeline", package: "iipsrv-async"), "IIPTestSupport",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Links/IIPPipelineTests",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "FastCGITests",
            dependencies: [
                .product(name: "FastCGI", package: "iipsrv-async"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Links/FastCGITests",
            packageAccess: false,
            swiftSettings: testSwiftSettings
        ),
    ]
)
