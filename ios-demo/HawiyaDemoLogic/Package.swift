// swift-tools-version:5.9
//
// The iOS demo's logic: view models and presentation rules in plain Swift, with
// no SwiftUI, UIKit or AVFoundation, so that it compiles and is tested on Linux
// together with HawiyaKit (scripts/test-swift.sh). The app target in
// ../HawiyaWallet holds only views and platform glue.
import PackageDescription

let package = Package(
    name: "HawiyaDemoLogic",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "HawiyaDemoLogic", targets: ["HawiyaDemoLogic"]),
    ],
    dependencies: [
        .package(path: "../../bindings/swift"),
    ],
    targets: [
        .target(
            name: "HawiyaDemoLogic",
            dependencies: [.product(name: "HawiyaKit", package: "swift")]
        ),
        .testTarget(name: "HawiyaDemoLogicTests", dependencies: ["HawiyaDemoLogic"]),
    ]
)
