// swift-tools-version:6.1
import PackageDescription

// Engine targets: no runtime checks in the hot loops, and on x86-64 the AVX2/FMA baseline
// (the Haswell instruction set: AVX2, FMA, BMI; every x86 server CPU since 2013-2017) so the SIMD16 loops use 256-bit registers
// instead of four SSE ones. OpenBLAS picks its own kernels at run time either way.
#if arch(x86_64)
let optimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"])]
#else
let optimized: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"])]
#endif

let package = Package(
    name: "dlt",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "dlt", targets: ["dlt"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CVectorMath", path: "Sources/CVectorMath"),
        .target(name: "DLTCore", dependencies: ["CBLAS"], swiftSettings: optimized),
        .target(name: "DLTNN", dependencies: ["DLTCore"], swiftSettings: optimized),
        .target(name: "DLTOptim", dependencies: ["DLTCore", "CVectorMath"], swiftSettings: optimized),
        .target(name: "DLTConfig", dependencies: ["Yams"]),
        .target(name: "DLTData", dependencies: ["DLTCore", "CZlib", "CPNG"], swiftSettings: optimized),
        .target(name: "DLTFormats", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "DLTTrain", dependencies: ["DLTCore", "DLTNN", "DLTOptim", "DLTConfig", "DLTData", "DLTFormats"],
                swiftSettings: optimized),
        .executableTarget(name: "dlt", dependencies: [
            "DLTCore", "DLTTrain", "DLTConfig", "DLTData", "DLTFormats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The finite-difference gradient checker and helpers shared by the layer, loss and graph tests.
        .target(name: "DLTTestSupport", dependencies: ["DLTCore", "DLTNN"], path: "Tests/DLTTestSupport"),
        .testTarget(name: "DLTCoreTests", dependencies: ["DLTCore"]),
        .testTarget(name: "DLTNNTests", dependencies: ["DLTNN", "DLTCore", "DLTTestSupport"]),
        .testTarget(name: "DLTOptimTests", dependencies: ["DLTOptim", "DLTCore"]),
        .testTarget(name: "DLTConfigTests", dependencies: ["DLTConfig", "DLTTrain"]),
        .testTarget(name: "DLTDataTests", dependencies: ["DLTData"]),
        .testTarget(name: "DLTFormatsTests", dependencies: ["DLTFormats"]),
        .testTarget(name: "DLTTrainTests", dependencies: ["DLTTrain", "DLTTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["dlt"]),
    ],
    swiftLanguageModes: [.v5]
)
