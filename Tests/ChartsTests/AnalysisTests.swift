import XCTest
@testable import SeglabCharts
import Foundation

final class AnalysisTests: XCTestCase {
    func testParetoFrontKnownAnswers() {
        // Two identical front points both stay; (0.5, 0.2) and (0.4, 0.3) trade off with them.
        XCTAssertEqual(ParetoFront.indices(x: [0.5, 0.6, 0.4, 0.6], y: [0.2, 0.1, 0.3, 0.1]), [2, 0, 1, 3])
        // A tie on x loses on y: dominated. A tie on y loses on x: dominated.
        XCTAssertEqual(ParetoFront.indices(x: [0.5, 0.5, 0.3], y: [0.2, 0.1, 0.2]), [0])
        // One point better on both dominates everything.
        XCTAssertEqual(ParetoFront.indices(x: [0.1, 0.9, 0.5], y: [0.1, 0.9, 0.5]), [1])
        // Failed runs (NaN) are never on the front; nothing finite, no front.
        XCTAssertEqual(ParetoFront.indices(x: [.nan, 0.2, 0.1], y: [1, 0.1, 0.2]), [2, 1])
        XCTAssertEqual(ParetoFront.indices(x: [.nan], y: [.nan]), [])
        XCTAssertEqual(ParetoFront.indices(x: [], y: []), [])
        XCTAssertEqual(ParetoFront.points([ChartPoint(x: 0.7, y: 0.05), ChartPoint(x: 0.6, y: 0.2), ChartPoint(x: 0.55, y: 0.1)]),
                       [ChartPoint(x: 0.6, y: 0.2), ChartPoint(x: 0.7, y: 0.05)])
    }

    /// Against the definition, on points with many ties (integer coordinates).
    func testParetoFrontMatchesTheDefinition() {
        var state: UInt64 = 12345
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double((state >> 33) % 6) }
        for _ in 0 ..< 50 {
            let x = (0 ..< 30).map { _ in next() }, y = (0 ..< 30).map { _ in next() }
            let expected = (0 ..< 30).filter { i in
                !(0 ..< 30).contains { j in x[j] >= x[i] && y[j] >= y[i] && (x[j] > x[i] || y[j] > y[i]) }
            }
            XCTAssertEqual(Set(ParetoFront.indices(x: x, y: y)), Set(expected))
        }
    }

    /// Known answers from the `kneed` package (0.9.0, `KneeLocator(x, y, curve, direction)`,
    /// every other argument at its default) on the same numbers; the inertia curves are
    /// scikit-learn's K-Means grids (k-means++) in ../shared/reference/expected_*.json.
    func testKneeMatchesKneed() {
        let ks = [2.0, 3, 4, 5, 6, 8]
        XCTAssertEqual(KneeDetector.knee(x: ks, y: [124211.48533949486, 51589.43682630199, 33437.73727254862, 19946.037453208453,
                                                    18809.291450906356, 17297.241567670528], shape: .convexDecreasing), 4)
        XCTAssertEqual(KneeDetector.knee(x: ks, y: [14343.655768181881, 10716.707696761772, 7725.246890366405, 6736.737770752199,
                                                    5962.111280302608, 5017.706264490402], shape: .convexDecreasing), 4)
        XCTAssertEqual(KneeDetector.knee(x: ks, y: [222.36170496502302, 139.82049635974982, 114.09254690403091, 90.8075916191336,
                                                    80.02249599557437, 62.866101731295586], shape: .convexDecreasing), 3)
        XCTAssertEqual(KneeDetector.knee(x: ks, y: [1659.0079672511501, 1277.9284888446423, 1180.737575055993, 1110.3654015546037,
                                                    1044.4697711080587, 944.5588859722102], shape: .convexDecreasing), 3)
        XCTAssertEqual(KneeDetector.knee(x: [2, 3, 4, 5, 6, 7, 8], y: [1000, 600, 300, 280, 265, 255, 250], shape: .convexDecreasing), 4)
        let one = Array(stride(from: 1.0, through: 10, by: 1))
        XCTAssertEqual(KneeDetector.knee(x: one, y: one.map { log($0) }, shape: .concaveIncreasing), 4)
        let zero = Array(stride(from: 0.0, through: 9, by: 1))
        XCTAssertEqual(KneeDetector.knee(x: zero, y: zero.map { exp($0 / 2) }, shape: .convexIncreasing), 6)
        XCTAssertEqual(KneeDetector.knee(x: zero, y: zero.map { 100 - $0 * $0 }, shape: .concaveDecreasing), 4)
        XCTAssertEqual(KneeDetector.knee(x: [1, 2, 4, 8, 16, 32], y: [100, 50, 20, 12, 10, 9], shape: .convexDecreasing), 4)
        XCTAssertNil(KneeDetector.knee(x: [1, 2, 4, 8, 16, 32], y: [1, 2, 4, 10, 30, 100], shape: .convexIncreasing))
        XCTAssertNil(KneeDetector.knee(x: zero, y: zero.map { 20 - 2 * $0 }, shape: .convexDecreasing), "a straight line has no knee")
        XCTAssertEqual(KneeDetector.kneeIndex(x: zero, y: zero.map { 2 * $0 }, shape: .convexDecreasing), 0, "kneed's answer for the wrong shape")
        XCTAssertNil(KneeDetector.knee(x: [1, 2, 3], y: [10, 3, 1], shape: .convexDecreasing))
        XCTAssertNil(KneeDetector.knee(x: [2, 3, 4, 5], y: [7, 7, 7, 7], shape: .convexDecreasing), "flat: no knee")
        XCTAssertNil(KneeDetector.knee(x: [2, 3, 4, 5], y: [9, .nan, 3, 2], shape: .convexDecreasing), "a failed run: no knee")
    }
}
