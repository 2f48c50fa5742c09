// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "scim-bridge",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SCIM", targets: ["SCIM"])
    ],
    targets: [
        // RFC 7643/7644 as pure values: no I/O, no HTTP or SQL types.
        .target(
            name: "SCIM",
            swiftSettings: swiftSettings,
            // rounded()/trunc come from libm, which Foundation would otherwise pull in.
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .testTarget(
            name: "SCIMTests",
            dependencies: ["SCIM"],
            resources: [.copy("Golden")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
