import XCTest
import SeglabNumerics
@testable import SeglabData

final class SyntheticGeneratorTests: XCTestCase {
    func testPureFunctionOfItsParameters() {
        let a = SyntheticGenerator.generate(SyntheticSource(customers: 500, segments: 4, seed: 7))
        XCTAssertEqual(a, SyntheticGenerator.generate(SyntheticSource(customers: 500, segments: 4, seed: 7)))
        XCTAssertNotEqual(a.numeric, SyntheticGenerator.generate(SyntheticSource(customers: 500, segments: 4, seed: 8)).numeric)
        XCTAssertEqual(a.numericNames, CustomerFeatures.names)
        XCTAssertEqual(Array(a.ids.prefix(2)), ["c000001", "c000002"])
        XCTAssertEqual(a.report.source, "synthetic")
        XCTAssertEqual(try DataLoader.load(.synthetic(SyntheticSource(customers: 500, segments: 4, seed: 7)), cleaning: CleaningRules(),
                                           usedColumns: ["frequency"]), a)
    }

    func testUnequalSegmentSizes() {
        let t = SyntheticGenerator.generate(SyntheticSource(customers: 1000, segments: 4, seed: 1))
        let counts = Dictionary(grouping: t.truth!, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(counts, ["0": 400, "1": 300, "2": 200, "3": 100])
        let one = SyntheticGenerator.generate(SyntheticSource(customers: 10, segments: 1, seed: 1))
        XCTAssertEqual(Set(one.truth!), ["0"])
        let many = SyntheticGenerator.generate(SyntheticSource(customers: 12, segments: 11, seed: 1))
        XCTAssertEqual(Set(many.truth!).count, 11, "every segment gets a customer when there are enough")
        XCTAssertEqual(many.count, 12)
    }

    func testFeaturesAreConsistentAndSkewed() {
        let t = SyntheticGenerator.generate(SyntheticSource(customers: 4000, segments: 5, seed: 3))
        let f = { (name: String) in t.numeric.column(CustomerFeatures.names.firstIndex(of: name)!) }
        let (recency, frequency, monetary, tenure) = (f("recency_days"), f("frequency"), f("monetary"), f("tenure_days"))
        let (basket, gaps, returns, products) = (f("avg_basket"), f("days_between_orders"), f("return_rate"), f("distinct_products"))
        for i in 0 ..< t.count {
            XCTAssertGreaterThanOrEqual(frequency[i], 1)
            XCTAssertEqual(frequency[i], frequency[i].rounded())
            XCTAssertGreaterThanOrEqual(tenure[i], recency[i])
            XCTAssertEqual(basket[i], monetary[i] / frequency[i])
            XCTAssertEqual(gaps[i], frequency[i] > 1 ? (tenure[i] - recency[i]) / (frequency[i] - 1) : 0)
            XCTAssertTrue((0 ... 1).contains(returns[i]))
            XCTAssertGreaterThanOrEqual(products[i], 1)
        }
        let sorted = monetary.sorted()
        XCTAssertGreaterThan(monetary.reduce(0, +) / Double(t.count), sorted[t.count / 2], "right-skewed spend: mean above median")
    }

    /// Segments are separable on log1p + standard features: most customers lie nearer their own
    /// segment's centroid than any other (a lower bound on what K-Means can recover).
    func testSegmentsAreSeparable() throws {
        let t = SyntheticGenerator.generate(SyntheticSource(customers: 3000, segments: 4, seed: 11))
        let (_, x) = try FeaturePipeline.fit(FeatureSetDefinition(name: "all", log1p: ["frequency", "monetary", "avg_basket", "distinct_products",
                                                                                         "days_between_orders", "recency_days", "tenure_days"]), on: t)
        let labels = t.truth!.map { Int($0)! }
        var centroids = [[Double]](repeating: [Double](repeating: 0, count: x.cols), count: 4)
        var sizes = [Double](repeating: 0, count: 4)
        for i in 0 ..< x.rows {
            sizes[labels[i]] += 1
            for j in 0 ..< x.cols { centroids[labels[i]][j] += x[i, j] }
        }
        for s in 0 ..< 4 { centroids[s] = centroids[s].map { $0 / sizes[s] } }
        var right = 0
        for i in 0 ..< x.rows {
            let d = centroids.map { c in zip(x.row(i), c).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            if d.indices.min(by: { d[$0] < d[$1] }) == labels[i] { right += 1 }
        }
        XCTAssertGreaterThan(Double(right) / Double(x.rows), 0.85)
    }
}
