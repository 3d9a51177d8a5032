// swift-tools-version: 6.1
//
// iipsrv-async's benchmarks, in a package of their own so that the test build never compiles them.
//   cd PerfTests && swift package benchmark                 # run the micro benchmarks
//   swift package benchmark baseline compare main           # compare with the committed baseline

import PackageDescription

let package = Package(
    name: "iipsrv-async-perftests",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "iipsrv-async", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "Micro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "IIPProtocol", package: "iipsrv-async"),
                .product(name: "IIPImaging", package: "iipsrv-async"),
                .product(name: "IIPPipeline", package: "iipsrv-async"),
                .product(name: "IIPModel", package: "iipsrv-async"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Benchmarks/Micro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
