// swift-tools-version:5.9
//
// HawiyaKit: the hawiya wallet and verifier for Swift (iOS apps; Linux for tests).
//
// The Swift API is generated from the Rust library by uniffi (build output, never
// committed) plus a few hand-written conveniences in Sources/HawiyaKit.
//
// This is the development package: it takes the Rust library from this
// repository's build.
// - On Apple platforms the Rust library comes as Frameworks/hawiya_ffiFFI.xcframework,
//   made by scripts/build-xcframework.sh on a Mac.
// - On Linux (how the tests run here) it is libhawiya_ffi.so, linked through the
//   system library target Sources/hawiya_ffiFFI; scripts/test-swift.sh builds it and
//   passes its folder to the linker.
// Apps outside the repository use the release package instead, whose manifest
// (release/Package.swift.template, filled in by scripts/swift-release-package.sh)
// fetches the XCFramework with .binaryTarget(url:checksum:).
import PackageDescription

#if os(Linux)
let ffi: Target = .systemLibrary(name: "hawiya_ffiFFI", path: "Sources/hawiya_ffiFFI")
#else
let ffi: Target = .binaryTarget(name: "hawiya_ffiFFI", path: "Frameworks/hawiya_ffiFFI.xcframework")
#endif

let package = Package(
    name: "HawiyaKit",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "HawiyaKit", targets: ["HawiyaKit"]),
    ],
    targets: [
        ffi,
        .target(
            name: "HawiyaKit",
            dependencies: ["hawiya_ffiFFI"],
            path: "Sources/HawiyaKit",
            // The privacy manifest of the library, bundled into every app that links it.
            resources: [.copy("PrivacyInfo.xcprivacy")]
        ),
        .testTarget(name: "HawiyaKitTests", dependencies: ["HawiyaKit"], path: "Tests/HawiyaKitTests"),
    ]
)
