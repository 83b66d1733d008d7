import XCTest
import SeglabMetrics

/// Accuracy after matching segments, against scipy's `linear_sum_assignment` on the negated
/// contingency table (the values below were computed with scipy 1.x on the same labels).
final class MatchedAccuracyTests: XCTestCase {
    func testEqualsScipyLinearSumAssignmentOnARectangularTable() {
        // Contingency [[65,0,5,0,8,0],[0,5,0,46,0,3],[47,0,7,0,5,0],[0,5,0,49,0,5],[43,0,5,0,2,0]]:
        // the greedy choice (65, then 49) loses; the optimum matches 129 of 300 rows.
        let n = 300
        let reference: [Int] = (0 ..< n).map { i in (i * i + i / 7) % 5 }
        let predicted: [Int] = (0 ..< n).map { i in
            let shift = i % 4 == 0 ? i % 6 : 0
            return (3 * reference[i] + shift) % 6
        }
        XCTAssertEqual(matchedAccuracy(reference: reference, predicted: predicted).value, 129.0 / 300)
        XCTAssertEqual(matchedAccuracy(reference: predicted, predicted: reference).value, 129.0 / 300)
    }

    func testRenumberedSegmentsScoreOne() {
        XCTAssertEqual(matchedAccuracy(reference: [0, 0, 1, 1, 2, -1], predicted: [5, 5, 3, 3, 0, 9]).value, 1)
        XCTAssertNil(matchedAccuracy(reference: [], predicted: []).value)
    }
}
