import XCTest
@testable import SeglabNumerics

final class SelectionTests: XCTestCase {
    /// The median a sort gives: the middle value, or the mean of the two middle values.
    private func sortedMedian(_ v: [Double]) -> Double {
        let s = v.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    func testMedianEqualsTheSortedMedianBitForBit() {
        var rng = Xoshiro256StarStar(seed: 11)
        // From `Selection.sampledFrom` values on, the median is looked for between two sample
        // quantiles first.
        for n in [1, 2, 3, 4, 5, 8, 9, 100, 101, 1_000, 4_095, 4_096, 4_097, 100_000, 100_001] {
            // Continuous values, heavy ties (a few distinct values), and values ending sorted,
            // reversed, all equal.
            let continuous = (0 ..< n).map { _ in rng.nextGaussian() * 100 }
            let ties = (0 ..< n).map { _ in Double(rng.nextInt(below: 4)) - 1.5 }
            let cases = [continuous, ties, continuous.sorted(), continuous.sorted().reversed(),
                         [Double](repeating: 0.25, count: n)]
            for values in cases {
                var scratch = values
                let median = scratch.withUnsafeMutableBufferPointer { Selection.median(inPlace: $0) }
                XCTAssertEqual(median.bitPattern, sortedMedian(values).bitPattern, "n = \(n)")
            }
        }
    }

    /// A sample that misleads (every sampled position holds the largest value) leaves the middle
    /// outside the kept values: the median then comes from the full selection, still exact.
    func testAMisleadingSampleStillGivesTheExactMedian() {
        var rng = Xoshiro256StarStar(seed: 13)
        for n in [10_000, 10_001] {
            var values = (0 ..< n).map { _ in rng.nextGaussian() }
            var plain = values
            let bracketed = plain.withUnsafeMutableBufferPointer { Selection.sampledMedian($0, n / 2, even: n % 2 == 0) }
            XCTAssertEqual(bracketed?.bitPattern, sortedMedian(values).bitPattern, "an honest sample brackets the middle")
            for j in 0 ..< 1024 { values[j * n / 1024] = 1e9 }
            var scratch = values
            XCTAssertNil(scratch.withUnsafeMutableBufferPointer { Selection.sampledMedian($0, n / 2, even: n % 2 == 0) })
            XCTAssertEqual(scratch, values, "a is left as it was")
            let median = scratch.withUnsafeMutableBufferPointer { Selection.median(inPlace: $0) }
            XCTAssertEqual(median.bitPattern, sortedMedian(values).bitPattern, "n = \(n)")
        }
    }

    func testSelectPartitionsAroundTheKthValue() {
        var rng = Xoshiro256StarStar(seed: 12)
        let values = (0 ..< 777).map { _ in Double(rng.nextInt(below: 50)) }
        let sorted = values.sorted()
        for k in [0, 1, 388, 775, 776] {
            var a = values
            let v = a.withUnsafeMutableBufferPointer { Selection.select($0, k) }
            XCTAssertEqual(v, sorted[k])
            XCTAssertTrue(a[..<k].allSatisfy { $0 <= v })
            XCTAssertTrue(a[(k + 1)...].allSatisfy { $0 >= v })
            XCTAssertEqual(a.sorted(), sorted, "a permutation of the input")
        }
    }
}
