// swift-tools-version:6.2
import PackageDescription

/// AVX2, FMA, F16C and BMI for the second build of the inference kernels (x86-64 hosts only); `INFERENCE_AVX2`
/// selects its integer kernels written with intrinsics.
#if arch(x86_64)
    let haswellSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"]), .define("INFERENCE_AVX2")]
#else
    let haswellSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "cortensor-edge",
    products: [
        .executable(name: "cortensor-edge", targets: ["cortensor-edge"])
    ],
    targets: [
        // C shims: a module map and one header each, found through pkg-config.
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .systemLibrary(name: "CMalloc"),
        // libcurl is dlopened on first use (its dependencies cost ~1.8 MB of idle RSS); headers from
        // libcurl4-openssl-dev.
        .target(name: "CCurl"),

        // Libraries, one per concern.
        // What every other target may share: hex, the wall clock, threads, one-shot timers, small files.
        .target(name: "System"),
        .target(name: "JSON"),
        // A strict TOML 1.0 subset parser for the configuration file.
        .target(name: "TOML"),
        // Leveled log lines on standard error. In place of swift-log, whose retained public API (task-local
        // loggers, handler multiplexing, metadata providers) cost ~130 KB of the binary for the ~20 calls we make.
        .target(name: "Log"),
        // Optimized even in debug builds: scrypt's Swift core (keystores) takes ~30 s per eth-account default key
        // unoptimized, ~1.5 s with -O.
        .target(name: "Hashing", dependencies: ["COpenSSL", "System"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "System"]),
        // The HTTP/1.1 server on libmicrohttpd: connections, request lifecycle, requests, responses and a route
        // table; it knows nothing of what the routes mean.
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", "System"]),
        .target(name: "Cache", dependencies: ["Hashing", "JSON", "SQLite", "System"]),
        // The inference kernels, compiled twice from the same files (InferenceKernelsAVX2 holds symlinks): for the
        // baseline target and, on x86-64, for Haswell-class CPUs; Inference picks one at run time.
        .target(name: "InferenceKernels"),
        .target(name: "InferenceKernelsAVX2", swiftSettings: haswellSettings),
        .target(name: "Inference", dependencies: ["InferenceKernels", "InferenceKernelsAVX2", "JSON", "System"]),
        .target(
            name: "LightClient", dependencies: ["CSecp256k1", "Hashing", "HTTPClient", "JSON", "SQLite", "System"],
            // The contract ABI data files, embedded in Swift by scripts/embed-abi (no Foundation for resources).
            exclude: ["Cortensor/ABI"]),
        // The miners: pool, selection, breakers, hedging, transports, the SSE decoder and the local model as one more
        // miner.
        .target(name: "Upstream", dependencies: ["HTTPClient", "Inference", "JSON", "Log", "System"]),
        .target(
            name: "Gateway",
            dependencies: [
                "JSON", "Hashing", "SQLite", "HTTPClient", "HTTPServer", "Cache", "Inference", "LightClient",
                "Log", "System", "TOML", "Upstream",
            ]
        ),
        .target(
            name: "EdgeCommands",
            dependencies: [
                "CMalloc", "Gateway", "Cache", "HTTPServer", "Inference", "JSON", "Hashing", "LightClient",
                "Log", "System", "Upstream",
            ]
        ),
        // lld for packed relative relocations (DT_RELR, glibc >= 2.36): the PIE's ~570 KB of RELA entries, read and
        // so resident at every start, become ~5 KB. Full RELRO (lld's default RELRO plus BIND_NOW), as Debian's
        // hardening wants it. Identical code folding (--icf=all) merges byte-identical functions: -184 KB of the
        // stripped binary (it keeps the binary under 9 MB). Nothing here compares function addresses; the release
        // binary runs the package, systemd and model acceptance tests.
        // Release links run lld through scripts/link-release, which first gives lld a copy of the static Swift
        // libraries whose public functions are no longer marked retained, so that --gc-sections drops the ones
        // nothing calls (-893 KB of the stripped binary); the script says why that is sound.
        .executableTarget(
            name: "cortensor-edge", dependencies: ["EdgeCommands"],
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=lld"]
                        + [
                            "-z", "pack-relative-relocs", "-z", "relro", "-z", "now", "--icf=all",
                            "--no-export-dynamic",
                        ].flatMap {
                            ["-Xlinker", $0]
                        }),
                .unsafeFlags(
                    ["-ld-path=\(Context.packageDirectory)/scripts/link-release"], .when(configuration: .release)),
            ]),
        // Development micro-benchmarks (not shipped): `swift run -c release edge-bench <subcommand> ...`.
        .executableTarget(name: "edge-bench", dependencies: ["Inference", "LightClient", "Hashing", "System"]),

        // Helpers every test target may share: the test data locator and a seeded generator.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SystemTests", dependencies: ["System", "Hashing"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML", "TestSupport"]),
        .testTarget(name: "LogTests", dependencies: ["Log"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "System"]),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "System", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "CacheTests", dependencies: ["Cache", "Hashing", "System", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "JSON", "HTTPClient", "HTTPServer", "Inference", "SQLite", "Hashing", "Log", "System",
                "TestSupport", "Upstream",
            ]),
        .testTarget(
            name: "UpstreamTests",
            dependencies: ["Upstream", "Gateway", "HTTPClient", "Inference", "JSON", "Log", "System", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["Inference", "InferenceKernels", "InferenceKernelsAVX2", "JSON", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "LightClientTests",
            dependencies: ["LightClient", "Hashing", "HTTPClient", "JSON", "SQLite", "System", "TestSupport"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "EdgeCommandsTests", dependencies: ["EdgeCommands", "Gateway", "Cache", "HTTPServer", "System"]),
    ]
)

/// One set of settings for every Swift target: Swift 6 mode and the house's upcoming features.
let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .strictMemorySafety(),
    .treatWarning("StrictMemorySafety", as: .error),
]

/// Dead-code removal in release builds (-680 KB of the stripped binary). Without `-internalize-at-link` the compiler
/// marks every public symbol as used (SHF_GNU_RETAIN), since a client outside the link might call it, so the
/// linker's `--gc-sections` kept every public function, async function and accessor of our modules, called or not.
/// The executable is the whole link unit (static modules, no exported symbols), so the promise the flag asks for
/// holds. `-function-sections` puts each function in its own section, which is what `--gc-sections` removes; without
/// it the unretained functions share one `.text` per source file and nothing is removed.
let deadCodeRemoval: [SwiftSetting] = [
    .unsafeFlags(
        ["-Xfrontend", "-internalize-at-link", "-Xfrontend", "-function-sections"], .when(configuration: .release))
]

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings + deadCodeRemoval
}

/// Targets optimized for size in release builds (-300 KB of the stripped binary): all but the model code and its
/// kernels and hashing (SHA-256, Keccak), whose speed is measured against llama.cpp, sha256sum and OpenSSL.
/// No machine outliner (`-Xllvm -enable-machine-outliner`): each outlined sequence becomes a function with its own
/// unwind entry (~40 bytes of `.eh_frame` and `.eh_frame_hdr`), more than the ~18 bytes it saves, +12 KB in all.
let sizeOptimized: Set<String> = [
    "Gateway", "EdgeCommands", "Cache", "JSON", "HTTPServer", "System", "TOML", "SQLite", "HTTPClient", "LightClient",
    "Log", "Upstream", "cortensor-edge",
]
for target in package.targets where sizeOptimized.contains(target.name) {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .unsafeFlags(["-Osize"], .when(configuration: .release))
        ]
}
