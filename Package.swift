// swift-tools-version:6.0
import PackageDescription

// Layers; each target imports only targets of the layers above it, exactly as its
// `dependencies` below declare (CI checks it: .ci/check-imports.py):
//   CSeglabKernels                                 K-Means' and k-means++'s hot kernels, in C, per instruction set
//   SeglabNumerics                                 matrices, kernels, parallel chunks, generators
//   SeglabNeural                                   dense networks (layers, kernels, losses, optimisers,
//                                                  the autoencoder), on SeglabNumerics only
//   SeglabData, SeglabMetrics                      each on SeglabNumerics only
//   SeglabClustering                               on SeglabNumerics and SeglabNeural (deep models)
//   SeglabEmbedding                                t-SNE, on SeglabNumerics and SeglabData
//   SeglabCharts                                   SVG charts, Foundation only
//   SeglabLedger                                   the SQLite ledger (GRDB); knows no other target
//   SeglabRunner                                   Numerics, Data, Clustering, Metrics and Ledger:
//                                                  plans a grid, runs it, records it
//   seglab (CLI), seglab-bench                     thin executables

// The numeric modules are optimised in debug builds too, so that `swift test` (debug, what CI
// runs) checks every parity fixture at full size: unoptimised SIMD kernels are 50-100x slower.
// `-enable-testing` stays on, so tests still reach internal symbols.
let optimizedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "seglab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "seglab", targets: ["seglab"]),
        .executable(name: "seglab-bench", targets: ["seglab-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `seglab serve`: the HTTP server, its graceful shutdown and its access log.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // ChunkTeam's lock-free hand-over of a mini-batch's chunks (already resolved via swift-nio).
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
    ],
    targets: [
        // The hot kernels of the bounded K-Means step, k-means++ and the silhouette, in C:
        // compiled for SSE2, AVX2 and AVX-512 and chosen at run time (Swift has no per-function
        // target). Optimised in debug too.
        .target(name: "CSeglabKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // Matrix storage, kernels, parallel chunking, seeded generators. Atomics and the C kernels only.
        .target(name: "SeglabNumerics", dependencies: ["CSeglabKernels", .product(name: "Atomics", package: "swift-atomics")],
                swiftSettings: optimizedInDebug),
        // Dense layers, their blocked kernels, losses and optimisers, the autoencoder.
        .target(name: "SeglabNeural", dependencies: ["SeglabNumerics"], swiftSettings: optimizedInDebug),
        // CSV, data sources, cleaning, customer features, transforms, PCA.
        // (Crypto: the data fingerprint is the SHA-256 of the bytes as they are parsed.)
        .target(name: "SeglabData", dependencies: [
            "SeglabNumerics", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: optimizedInDebug),
        // One file per algorithm behind the `ClusteringAlgorithm` protocol.
        .target(name: "SeglabClustering", dependencies: ["SeglabNumerics", "SeglabNeural"], swiftSettings: optimizedInDebug),
        // Free functions of (X, labels).
        .target(name: "SeglabMetrics", dependencies: ["SeglabNumerics"], swiftSettings: optimizedInDebug),
        // Barnes–Hut t-SNE (as scikit-learn's TSNE) for the report's views of customers.
        .target(name: "SeglabEmbedding", dependencies: ["SeglabNumerics", "SeglabData"], swiftSettings: optimizedInDebug),
        // The report's SVG charts: builder, scales, ticks, axes, legends, palettes, text measuring;
        // the Pareto front and the knee of an elbow curve. Foundation only.
        .target(name: "SeglabCharts"),
        // The SQLite ledger: schema, migrations, records, queries.
        .target(name: "SeglabLedger", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // Experiment model, grid, run identity, scheduler, artifacts.
        .target(name: "SeglabRunner", dependencies: [
            "SeglabNumerics", "SeglabData", "SeglabClustering", "SeglabMetrics", "SeglabLedger",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The HTML report: the ledger's experiment, matrices rebuilt through the planner, the charts.
        .target(name: "SeglabReport", dependencies: [
            "SeglabRunner", "SeglabLedger", "SeglabCharts", "SeglabEmbedding", "SeglabMetrics", "SeglabData", "SeglabNumerics",
            "SeglabClustering",
        ]),
        // The read-only HTTP API of `seglab serve` (Hummingbird): ledger queries and assign.
        .target(name: "SeglabServer", dependencies: [
            "SeglabRunner", "SeglabLedger", "SeglabData", "SeglabClustering", "SeglabMetrics",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Thin command line: parses arguments, calls the library.
        .executableTarget(name: "seglab", dependencies: [
            "SeglabRunner", "SeglabLedger", "SeglabData", "SeglabMetrics", "SeglabClustering", "SeglabServer", "SeglabReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Micro-benchmarks with the same kernels the runs use (see benchmarks/README.md).
        .executableTarget(name: "seglab-bench", dependencies: [
            "SeglabNumerics", "SeglabData", "SeglabClustering", "SeglabMetrics", "SeglabEmbedding",
        ]),
        // Optimised like the numeric modules: it decodes the browser test's large screenshots.
        .target(name: "SeglabTestSupport", dependencies: ["SeglabNumerics", "CZlib"], path: "Tests/SeglabTestSupport",
                swiftSettings: optimizedInDebug),
        // The system zlib, for PNG decoding in the tests (Debian's zlib1g-dev; .ci/run installs it).
        .systemLibrary(name: "CZlib", path: "Tests/CZlib"),
        .testTarget(name: "NumericsTests", dependencies: ["SeglabNumerics"]),
        // NeuralTests reads Fixtures/ (PyTorch's steps on fixed batches) through #filePath.
        .testTarget(name: "NeuralTests", dependencies: ["SeglabNeural", "SeglabNumerics", "SeglabTestSupport"], exclude: ["Fixtures"]),
        // DataTests reads Fixtures/ through #filePath; the generator script and JSON are not sources.
        .testTarget(name: "DataTests", dependencies: ["SeglabData", "SeglabNumerics", "SeglabTestSupport"], exclude: ["Fixtures"]),
        // ClusteringTests reads Fixtures/ (scikit-learn labels and GMM fits made by their scripts) through #filePath.
        .testTarget(name: "ClusteringTests", dependencies: ["SeglabClustering", "SeglabMetrics", "SeglabNeural", "SeglabNumerics", "SeglabTestSupport",
                                                           .product(name: "Crypto", package: "swift-crypto")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "MetricsTests", dependencies: ["SeglabMetrics", "SeglabNumerics", "SeglabTestSupport"]),
        // EmbeddingTests reads Fixtures/ (scikit-learn's KL divergences and one gradient) through #filePath.
        .testTarget(name: "EmbeddingTests", dependencies: ["SeglabEmbedding", "SeglabNumerics", "SeglabTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ChartsTests", dependencies: ["SeglabCharts"]),
        // GRDB directly too: the tests inspect the schema and hold locks like another process would.
        .testTarget(name: "LedgerTests", dependencies: [
            "SeglabLedger", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RunnerTests", dependencies: ["SeglabRunner", "SeglabLedger", "SeglabClustering", "SeglabData", "SeglabNumerics", "SeglabTestSupport"]),
        // GRDB directly too: the end-to-end harnesses inspect the ledger the binary wrote.
        // SeglabClustering: the algorithms listing is checked against the registry itself.
        .testTarget(name: "CLITests", dependencies: [
            "SeglabTestSupport", "SeglabClustering", .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Seeded mutation fuzzers of the experiment parser and the CSV loaders (README "Fuzzing").
        .testTarget(name: "FuzzTests", dependencies: ["SeglabRunner", "SeglabData", "SeglabNumerics", "SeglabTestSupport"]),
        // The real server on an ephemeral loopback port, called over HTTP (URLSession).
        .testTarget(name: "ServerTests", dependencies: [
            "SeglabServer", "SeglabTestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ReportTests", dependencies: ["SeglabReport", "SeglabRunner", "SeglabData", "SeglabLedger", "SeglabNumerics"]),
    ],
    // Swift 6 language mode, strict concurrency checking, for every target: none needs Swift 5.
    // The one deliberate exception to the checking is inside `Parallel` (SeglabNumerics): the
    // kernels' chunk bodies share unsafe buffers across Dispatch workers with disjoint writes,
    // which the checker cannot express; one `nonisolated(unsafe)` local there carries that
    // contract instead of a module-wide opt-out.
    swiftLanguageModes: [.v6]
)
