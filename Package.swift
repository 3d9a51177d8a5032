// swift-tools-version: 6.1
//
// iipsrv-async: an IIPImage-compatible image server (IIP, IIIF, DeepZoom, Zoomify) in Swift.
//
// Layers (imports point down only):
//   iipsrv-async (executable) -> IIPServer -> FastCGI, IIPRemote, IIPPipeline -> IIPProtocol, IIPImaging -> C shims
//   (IIPRemote -> IIPImaging: the server builds the remote store and hands it to the pipeline as `RemoteObjects`, so
//   the pipeline and its tests compile no HTTP client or TLS)

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Tests keep imports public by default: fixtures and helpers are shared across test targets.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "iipsrv-async",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "iipsrv-async", targets: ["iipsrv-async"]),
        .library(name: "IIPServer", targets: ["IIPServer"]),
        .library(name: "IIPPipeline", targets: ["IIPPipeline"]),
        .library(name: "IIPImaging", targets: ["IIPImaging"]),
        .library(name: "IIPProtocol", targets: ["IIPProtocol"]),
        .library(name: "IIPModel", targets: ["IIPModel"]),
        .library(name: "FastCGI", targets: ["FastCGI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // OTLP over HTTP only: the gRPC exporter would add gRPC to every build for a choice the HTTP one covers.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // MARK: C libraries (Debian -dev packages; see README "Development")
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "COpenJPEG", pkgConfig: "libopenjp2", providers: [.apt(["libopenjp2-7-dev"])]),
        .systemLibrary(name: "CMemcached", pkgConfig: "libmemcached", providers: [.apt(["libmemcached-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CGIF", pkgConfig: "libgif", providers: [.apt(["libgif-dev"])]),
        // libavif's and libjxl's pkg-config files only add -D flags SwiftPM refuses (AVIF_DLL, HWY_SHARED_DEFINE,
        // neither needed to call them from Swift); their headers are in /usr/include.
        .systemLibrary(name: "CAVIF", providers: [.apt(["libavif-dev"])]),
        .systemLibrary(name: "CJXL", providers: [.apt(["libjxl-dev"])]),
        .target(
            name: "CIIPShims",
            dependencies: ["CTIFF", "CPNG"],
            cSettings: [.define("_GNU_SOURCE")],
            linkerSettings: [.linkedLibrary("jpeg")]
        ),
        // The decoder module ABI (DECODER_MODULES): the header module authors include, and its layout checks.
        .target(name: "CIIPDecoderModule"),

        // MARK: Pure layers
        .target(name: "IIPModel", swiftSettings: swiftSettings),
        .target(name: "IIPProtocol", dependencies: ["IIPModel"], swiftSettings: swiftSettings),
        .target(
            name: "IIPImaging",
            dependencies: [
                "IIPModel", "CTIFF", "CTurboJPEG", "COpenJPEG", "CPNG", "CWebP", "CGIF", "CAVIF", "CJXL",
                "CIIPShims", "CIIPDecoderModule",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Remote stores (S3, HTTP ranges): byte sources for the imaging layer
        .target(
            name: "IIPRemote",
            dependencies: [
                "IIPModel",
                "IIPImaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The pipeline
        .target(
            name: "IIPPipeline",
            dependencies: [
                "IIPModel",
                "IIPProtocol",
                "IIPImaging",
                "CIIPShims",
                "CMemcached",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Frontends
        .target(
            name: "FastCGI",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IIPServer",
            dependencies: [
                "IIPPipeline",
                "IIPProtocol",
                "IIPImaging",
                "IIPRemote",
                "FastCGI",
                "CIIPShims",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            // The viewer page's files, compiled into the executable as byte arrays (no bundle to install).
            resources: [
                .embedInCode("Viewer/Assets/index.html"), .embedInCode("Viewer/Assets/style.css"),
                .embedInCode("Viewer/Assets/main.js"), .embedInCode("Viewer/Assets/list.js"),
                .embedInCode("Viewer/Assets/viewer.js"), .embedInCode("Viewer/Assets/tiles.js"),
                .embedInCode("Viewer/Assets/controls.js"), .embedInCode("Viewer/Assets/navigator.js"),
                .embedInCode("Viewer/Assets/metadata.js"), .embedInCode("Viewer/Assets/export.js"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "iipsrv-async",
            dependencies: [
                "IIPServer",
                "IIPPipeline",
                "IIPImaging",
                "FastCGI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "IIPTestSupport",
            dependencies: ["IIPImaging", "IIPPipeline", "IIPProtocol", "CTurboJPEG", "CPNG", "CWebP"],
            path: "Tests/IIPTestSupport",
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPModelTests", dependencies: ["IIPModel", "IIPTestSupport"], swiftSettings: testSwiftSettings),
        .testTarget(
            name: "IIPProtocolTests", dependencies: ["IIPProtocol", "IIPModel", "IIPTestSupport"],
            swiftSettings: testSwiftSettings),
        .testTarget(
            name: "IIPImagingTests",
            dependencies: [
                "IIPImaging", "IIPTestSupport", "CTIFF", "CTurboJPEG", "CPNG", "CWebP", "CGIF", "CAVIF", "CJXL",
                "COpenJPEG", "CIIPShims", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPRemoteTests",
            dependencies: [
                "IIPRemote", "IIPImaging", "IIPTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPPipelineTests",
            dependencies: [
                "IIPPipeline", "IIPTestSupport", .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "FastCGITests",
            dependencies: [
                "FastCGI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "IIPServerTests",
            dependencies: [
                "IIPServer",
                "IIPTestSupport",
                "CPNG",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)
