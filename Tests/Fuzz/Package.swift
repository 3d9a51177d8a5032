// swift-tools-version: 6.1
//
// libFuzzer targets for iipsrv-async (issue 14, item 1), kept out of the main build: this package depends on the
// root package by path, so `swift build` of the root is unchanged. Each executable target is one fuzz target whose
// `LLVMFuzzerTestOneInput` takes the bytes; `.ci/fuzz` builds them with `--sanitize fuzzer --sanitize address`
// (which also keeps SwiftPM from renaming `main`, so libFuzzer's own `main` drives the target) and runs each over
// its seed corpus in Corpus/<target>.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// A fuzz target has no `main` of its own: libFuzzer supplies it.
let targetSettings = swiftSettings + [.unsafeFlags(["-parse-as-library"])]

/// The fuzz targets and the products of the root package (and of its dependencies) each one exercises.
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzIIPQuery", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzIIIFPath", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzDeepZoomPath", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzZoomifyPath", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzURLDecoding", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzRequestReader", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    ("FuzzHTTPDate", [.product(name: "IIPProtocol", package: "iipsrv-async")]),
    (
        "FuzzFastCGIRecords",
        [.product(name: "FastCGI", package: "iipsrv-async"), .product(name: "NIOCore", package: "swift-nio")]
    ),
    (
        "FuzzFastCGIConnection",
        [
            .product(name: "FastCGI", package: "iipsrv-async"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
        ]
    ),
    ("FuzzTIFF", []),
    ("FuzzJPEG2000", []),
    ("FuzzJPEG", []),
]

let package = Package(
    name: "iipsrv-async-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "iipsrv-async", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // What several targets share: reading the input, and opening it as an image file.
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "IIPImaging", package: "iipsrv-async"),
                .product(name: "IIPModel", package: "iipsrv-async"),
            ],
            swiftSettings: swiftSettings
        )
    ]
        + fuzzTargets.map { target in
            .executableTarget(
                name: target.name, dependencies: ["FuzzSupport"] + target.dependencies, swiftSettings: targetSettings)
        }
)
