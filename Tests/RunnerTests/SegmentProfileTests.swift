import XCTest
import SeglabData
import SeglabNumerics
@testable import SeglabRunner

/// Profiles (medians, z-scores, revenue share), names and actions on tables with known answers.
final class SegmentProfileTests: XCTestCase {
    /// A customer table with the given columns, one row per customer.
    func table(_ columns: [String], _ rows: [[Double]]) -> CustomerTable {
        CustomerTable(ids: rows.indices.map { "c\($0)" }, numericNames: columns, numeric: Matrix(rowArrays: rows),
                      report: DataReport(source: "test"))
    }

    func trait(_ column: String, _ z: Double, median: Double = 5) -> SegmentTrait {
        SegmentTrait(column: column, high: z > 0, strength: abs(z), word: SegmentTrait.word(column: column, high: z > 0, median: median))
    }

    func testStatisticsAgainstAHandComputation() throws {
        // Cluster 0: monetary 10, 20, 60; cluster 1: 100, 300. Base mean 98, population sd sqrt(11216).
        let t = table(["monetary", "recency_days"], [[10, 1], [100, 50], [20, 3], [300, 70], [60, 2]])
        let p = Profile(table: t, columns: ["monetary", "recency_days"], labels: [0, 1, 0, 1, 0])
        XCTAssertEqual(p.clusters.map(\.size), [3, 2])
        XCTAssertEqual(p.clusters[0].means[0], 30, accuracy: 1e-12)
        XCTAssertEqual(p.clusters[0].medians, [20, 2])
        XCTAssertEqual(p.clusters[1].medians, [200, 60])
        XCTAssertEqual(p.baseMeans[0], 98, accuracy: 1e-12)
        let squares: [Double] = [88 * 88, 2 * 2, 78 * 78, 202 * 202, 38 * 38]
        let sd = (squares.reduce(0, +) / 5).squareRoot()
        XCTAssertEqual(p.baseDeviations[0], sd, accuracy: 1e-9)
        XCTAssertEqual(p.clusters[0].zScores[0], (30 - 98) / sd, accuracy: 1e-12)
        XCTAssertEqual(p.clusters[0].revenueShare!, 90.0 / 490, accuracy: 1e-15)
        XCTAssertEqual(p.clusters[1].revenueShare!, 400.0 / 490, accuracy: 1e-15)
        // Cluster 1 spends more and bought longer ago; cluster 0 the opposite.
        XCTAssertEqual(p.clusters[1].name, "lapsed · high value")
        XCTAssertEqual(p.clusters[0].name, "recent · low spend")
        XCTAssertEqual(p.clusters[1].action, "personal win-back: call or write before they are lost")

        let csv = String(decoding: p.csv, as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(csv[0], "cluster,size,share,monetary,recency_days,revenue_share,monetary_median,recency_days_median,"
                       + "monetary_z,recency_days_z,segment_name,action")
        XCTAssertTrue(csv[1].hasPrefix("0,3,0.6,30.0,2.0,0.183673,20.0,2.0,-0."), csv[1])
        XCTAssertTrue(csv[2].hasSuffix(",lapsed · high value,personal win-back: call or write before they are lost"), csv[2])
    }

    func testWithoutMonetaryThereIsNoRevenueShareAndOtherColumnsGetGenericWords() {
        let t = table(["age", "visits"], [[20, 1], [22, 1], [60, 9], [64, 8]])
        let p = Profile(table: t, columns: ["age", "visits"], labels: [0, 0, 1, 1])
        XCTAssertNil(p.clusters[0].revenueShare)
        XCTAssertFalse(p.header.contains("revenue_share"))
        XCTAssertEqual(p.clusters.map(\.name), ["low age · low visits", "high age · high visits"])
        XCTAssertEqual(p.clusters.map(\.action), ["regular newsletter", "regular newsletter"])
    }

    func testNamesOrderTraitsByStrengthAndKeepAtMostThree() {
        let traits = [trait("monetary", 2.0), trait("recency_days", -1.5), trait("frequency", 1.0), trait("tenure_days", 0.7)]
        XCTAssertEqual(SegmentNaming.names([(0, traits)]), ["high value · recent · frequent"])
        // Frequency below the base, with a median of one order: "single order".
        XCTAssertEqual(SegmentTrait.word(column: "frequency", high: false, median: 1), "single order")
        XCTAssertEqual(SegmentTrait.word(column: "frequency", high: false, median: 2), "infrequent")
        XCTAssertEqual(SegmentNaming.names([(-1, []), (0, [trait("tenure_days", -0.2)])]), ["noise", "typical"])
    }

    func testSharedNamesTakeTheNextTraitThenANumeral() {
        let a = [trait("recency_days", 1.2), trait("monetary", -0.3)]          // lapsed, then (weak) low spend
        let b = [trait("recency_days", 0.9), trait("monetary", 0.2)]           // lapsed, then (weak) high value
        let c = [trait("tenure_days", 0.3)]                                      // no strong trait: typical
        let d = [trait("avg_basket", 0.2)]                                       // typical too
        let e: [SegmentTrait] = []                                               // typical, nothing to add
        let f: [SegmentTrait] = []
        let names = SegmentNaming.names([(0, a), (1, b), (2, c), (3, d), (4, e), (5, f)])
        XCTAssertEqual(names, ["lapsed · low spend", "lapsed · high value", "long-standing", "big baskets", "typical (1)", "typical (2)"])
        XCTAssertEqual(Set(names).count, names.count)
        // A name that became another's joins the next round: "recent" (from typical) meets "recent".
        let g = [trait("recency_days", -0.8)]
        let h = [trait("recency_days", -0.3), trait("frequency", 0.2)]
        XCTAssertEqual(SegmentNaming.names([(0, g), (1, h), (2, [])]), ["recent", "recent · frequent", "typical"])
    }

    func testActionsComeFromTheExperimentsRulesFirstThenTheDefaults() {
        let rules = [ActionRule(when: ["lapsed"], action: "20% coupon"), ActionRule(when: ["typical"], action: "nothing")]
        XCTAssertEqual(ActionRule.action(for: ["lapsed", "high value"], rules: rules), "20% coupon")
        XCTAssertEqual(ActionRule.action(for: ["typical"], rules: rules), "nothing")
        XCTAssertEqual(ActionRule.action(for: ["high value"], rules: rules), "loyalty perk: VIP tier, early access")
        XCTAssertEqual(ActionRule.action(for: ["new", "single order"], rules: []), "welcome series: a coupon on the second order")
        XCTAssertEqual(ActionRule.action(for: ["noise"], rules: []), "review individually: these customers fit no segment")
        XCTAssertEqual(ActionRule.action(for: ["high age"], rules: []), "regular newsletter")
        XCTAssertTrue(ActionRule.isKnownWord("high age"))
        XCTAssertFalse(ActionRule.isKnownWord("lapse"))
    }

    func testTheSameProfileAlwaysGetsTheSameNames() {
        var rng = Xoshiro256StarStar(seed: 3)
        let rows = (0 ..< 500).map { _ in [rng.nextDouble() * 300, Double(1 + rng.nextInt(below: 20)), rng.nextDouble() * 2000] }
        let t = table(["recency_days", "frequency", "monetary"], rows)
        let labels = (0 ..< 500).map { i in (rows[i][0] > 150 ? 1 : 0) + (rows[i][2] > 1000 ? 2 : 0) }
        let first = Profile(table: t, columns: t.numericNames, labels: labels)
        XCTAssertEqual(first, Profile(table: t, columns: t.numericNames, labels: labels))
        XCTAssertEqual(Set(first.clusters.map(\.name)).count, 4)
    }
}
