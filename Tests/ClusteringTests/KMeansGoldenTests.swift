import XCTest
@testable import SeglabClustering
import SeglabNumerics

/// Pins K-Means results to the bit: each case's labels, centres, inertia and iteration count
/// hash to the value the first implementation (before the kernel work of issue 14) computed.
/// A faster kernel must give the very same fits; a change here re-labels users' runs.
///
/// The data are made with integer arithmetic and + − × ÷ only (no libm), so they are the same
/// bits on every machine. The cases cover ties (many rows equidistant from two centres; the
/// lower index wins), empty-cluster relocation (fewer distinct rows than k), k above one
/// 8-lane group, dimensions that are not a multiple of the SIMD width, several row chunks, and
/// a fit stopped by `max_iter` (final assignment pass).
final class KMeansGoldenTests: XCTestCase {
    /// Uniform in [0, 1) from the generator's top 53 bits (no libm).
    private static func uniform(_ rng: inout Xoshiro256StarStar) -> Double { rng.nextDouble() }

    /// Gaussian-like noise: the sum of four uniforms, centred (Irwin–Hall).
    private static func noise(_ rng: inout Xoshiro256StarStar) -> Double {
        (0 ..< 4).reduce(0.0) { s, _ in s + rng.nextDouble() } - 2
    }

    /// `centers` blobs in `d` dimensions, rows in interleaved order.
    static func blobs(n: Int, d: Int, centers: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        let means = (0 ..< centers * d).map { _ in 10 * uniform(&rng) }
        var storage = [Double]()
        storage.reserveCapacity(n * d)
        for i in 0 ..< n {
            let c = i % centers
            for f in 0 ..< d { storage.append(means[c * d + f] + noise(&rng)) }
        }
        return Matrix(rows: n, cols: d, storage: storage)
    }

    /// Integer points in {0, 1, 2}^d: many duplicate rows and exact distance ties.
    static func grid(n: Int, d: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        return Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { _ in Double(rng.nextInt(below: 3)) })
    }

    /// Only three distinct rows: any k above 3 leaves clusters empty, so relocation runs.
    static func threePoints(n: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        let points: [[Double]] = [[0, 0], [1, 5], [-3, 2]]
        return Matrix(rowArrays: (0 ..< n).map { _ in points[rng.nextInt(below: 3)] })
    }

    /// Heavy-tailed positive columns (like spend and counts), not scaled.
    static func heavy(n: Int, d: Int, seed: UInt64) -> Matrix {
        var rng = Xoshiro256StarStar(seed: seed)
        return Matrix(rows: n, cols: d, storage: (0 ..< n * d).map { j in
            let u = rng.nextDouble()
            return (j % d == 0 ? 100 : 1) / (u + 0.01) + rng.nextDouble()
        })
    }

    /// FNV-1a 64 over the labels, the centres' and inertia's bit patterns and n_iter.
    static func fingerprint(_ fit: ClusteringFit<KMeansModel>) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ v: UInt64) {
            for b in 0 ..< 8 {
                h ^= (v >> (8 * UInt64(b))) & 0xFF
                h = h &* 0x0000_0100_0000_01B3
            }
        }
        for l in fit.labels { mix(UInt64(bitPattern: Int64(l))) }
        for row in fit.model.centers { for v in row { mix(v.bitPattern) } }
        mix(fit.metrics["inertia"]!.bitPattern)
        mix(UInt64(fit.metrics["n_iter"]!))
        return String(h, radix: 16)
    }

    struct Case {
        var name: String
        var x: Matrix
        var k: Int
        var initialization: KMeans.Initialization
        var nInit: Int
        var maxIter = 300
        var expected: String
    }

    static let blobs20k = blobs(n: 20_000, d: 5, centers: 6, seed: 11)
    static let ties = grid(n: 9_000, d: 4, seed: 12)
    static let relocation = threePoints(n: 10_000, seed: 13)
    static let heavy30k = heavy(n: 30_000, d: 8, seed: 14)
    static let wide = blobs(n: 17_000, d: 13, centers: 9, seed: 15)

    static let cases: [Case] = [
        Case(name: "blobs k3 ++", x: blobs20k, k: 3, initialization: .kMeansPlusPlus, nInit: 2, expected: "9291056d5dc0f25"),
        Case(name: "blobs k6 random", x: blobs20k, k: 6, initialization: .random, nInit: 3, expected: "d420c4709cde8188"),
        Case(name: "blobs k10 ++", x: blobs20k, k: 10, initialization: .kMeansPlusPlus, nInit: 2, expected: "d2ef2bccf6b17663"),
        Case(name: "blobs k10 random max_iter 4", x: blobs20k, k: 10, initialization: .random, nInit: 2, maxIter: 4, expected: "79ed9ae1aac607"),
        Case(name: "ties k5 ++", x: ties, k: 5, initialization: .kMeansPlusPlus, nInit: 3, expected: "3279fcd5146d6446"),
        Case(name: "ties k12 random", x: ties, k: 12, initialization: .random, nInit: 3, expected: "b1b30e1aa7f90971"),
        Case(name: "relocation k6 ++", x: relocation, k: 6, initialization: .kMeansPlusPlus, nInit: 2, expected: "c84cda5c3a0f0a88"),
        Case(name: "relocation k5 random", x: relocation, k: 5, initialization: .random, nInit: 2, expected: "3bce39d855891847"),
        Case(name: "heavy k2 ++", x: heavy30k, k: 2, initialization: .kMeansPlusPlus, nInit: 2, expected: "b2d76139239df968"),
        Case(name: "heavy k8 random", x: heavy30k, k: 8, initialization: .random, nInit: 2, expected: "399e638568631a0e"),
        Case(name: "heavy k17 ++", x: heavy30k, k: 17, initialization: .kMeansPlusPlus, nInit: 1, expected: "ef87f4a4821565cd"),
        Case(name: "wide d13 k9 ++", x: wide, k: 9, initialization: .kMeansPlusPlus, nInit: 2, expected: "d4eda7fa3ac1deb8"),
    ]

    func testFitsMatchTheFirstImplementationBitForBit() throws {
        for c in Self.cases {
            var rng = Xoshiro256StarStar(seed: 2026, stream: c.name)
            let fit = try KMeans(k: c.k, initialization: c.initialization, nInit: c.nInit, maxIter: c.maxIter)
                .fit(c.x, rng: &rng, context: .detached())
            let got = Self.fingerprint(fit)
            XCTAssertEqual(got, c.expected, c.name)
        }
    }
}
