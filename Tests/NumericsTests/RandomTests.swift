import XCTest
@testable import SeglabNumerics

final class RandomTests: XCTestCase {
    // Expected words from the reference C code of splitmix64.c and xoshiro256starstar.c
    // (Blackman & Vigna), compiled with gcc: state filled by four splitmix64 words.
    func testSplitMix64KnownAnswers() {
        var sm = SplitMix64(seed: 0)
        XCTAssertEqual((0 ..< 4).map { _ in sm.next() },
                       [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }

    func testXoshiroKnownAnswers() {
        var a = Xoshiro256StarStar(seed: 0)
        XCTAssertEqual((0 ..< 6).map { _ in a.next() },
                       [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
                        0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59, 0xFFEF_8375_D9EB_CACA])
        var b = Xoshiro256StarStar(seed: 42)
        XCTAssertEqual((0 ..< 6).map { _ in b.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1,
                        0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64, 0xC50D_A531_0179_5238])
    }

    func testNamedStreamIsSeedXorFNV1a() {
        var named = Xoshiro256StarStar(seed: 42, stream: "kmeans.init")
        var plain = Xoshiro256StarStar(seed: 42 ^ Xoshiro256StarStar.fnv1a("kmeans.init"))
        XCTAssertEqual(named.next(), plain.next())
        XCTAssertEqual(Xoshiro256StarStar.fnv1a(""), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(Xoshiro256StarStar.fnv1a("a"), 0xAF63_DC4C_8601_EC8C)  // published FNV-1a 64 test vector
    }

    func testNextIntStaysInBoundsAndCoversRange() {
        var rng = Xoshiro256StarStar(seed: 7)
        for n in [1, 2, 3, 7, 1000, Int(Int32.max) + 11] {
            var seen = Set<Int>()
            for _ in 0 ..< 2000 {
                let v = rng.nextInt(below: n)
                XCTAssertTrue(v >= 0 && v < n)
                seen.insert(v)
            }
            if n <= 7 { XCTAssertEqual(seen.count, n, "every value of 0..<\(n) drawn") }
        }
    }

    func testNextDoubleInUnitInterval() {
        var rng = Xoshiro256StarStar(seed: 3)
        for _ in 0 ..< 10_000 {
            let u = rng.nextDouble()
            XCTAssertTrue(u >= 0 && u < 1)
        }
    }

    func testSampleIndicesDistinctSortedAndSeeded() {
        var rng = Xoshiro256StarStar(seed: 11)
        let s = rng.sampleIndices(300, from: 1000)
        XCTAssertEqual(s.count, 300)
        XCTAssertEqual(Set(s).count, 300)
        XCTAssertEqual(s, s.sorted())
        XCTAssertTrue(s.allSatisfy { $0 >= 0 && $0 < 1000 })
        XCTAssertEqual(rng.sampleIndices(5, from: 5), [0, 1, 2, 3, 4])
        var again = Xoshiro256StarStar(seed: 11)
        XCTAssertEqual(again.sampleIndices(300, from: 1000), s)
    }

    /// The sparse partial Fisher–Yates draws exactly what swapping in a full array draws.
    func testSampleIndicesEqualsFullArrayFisherYates() {
        for (k, n, seed) in [(0, 5, 1), (1, 1, 2), (10, 10, 3), (7, 1_000, 4), (300, 1_000, 5), (20, 1_000_000, 6)] {
            var a = Xoshiro256StarStar(seed: UInt64(seed)), b = a
            var pool = Array(0 ..< n)
            for i in 0 ..< k { pool.swapAt(i, i + b.nextInt(below: n - i)) }
            XCTAssertEqual(a.sampleIndices(k, from: n), pool[0 ..< k].sorted(), "k=\(k) n=\(n)")
            XCTAssertEqual(a.next(), b.next(), "same number of draws")
        }
    }
}
