import XCTest
import SeglabNumerics
import SeglabTestSupport
@testable import SeglabData

/// Feature sets: columns, log1p, one-hot, scaling and PCA, against scikit-learn's figures.
final class FeaturePipelineTests: XCTestCase {
    private func table(_ columns: [String: [Double]], order: [String]) -> CustomerTable {
        let n = columns[order[0]]!.count
        let storage = (0 ..< n).flatMap { i in order.map { columns[$0]![i] } }
        return CustomerTable(ids: (0 ..< n).map { "c\($0)" }, numericNames: order,
                             numeric: Matrix(rows: n, cols: order.count, storage: storage), report: DataReport(source: "test"))
    }

    private func referenceTable(_ name: String) throws -> CustomerTable {
        let url = try SharedFixtures.require("reference/\(name).csv")
        return try DataLoader.load(.customersCSV(CustomersCSVSource(path: url.path, id: "id", truth: "true")),
                                   cleaning: CleaningRules(), usedColumns: nil)
    }

    func testStandardScalingReproducesCustomers5k() throws {
        let raw = try referenceTable("customers_5k_raw")
        let expected = try SharedFixtures.referenceDataset("customers_5k").x
        let definition = FeatureSetDefinition(name: "rfm5", columns: ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket"],
                                              log1p: ["frequency", "monetary", "avg_basket"], scale: .standard)
        let (pipeline, x) = try FeaturePipeline.fit(definition, on: raw)
        XCTAssertEqual(x.rows, 5000)
        XCTAssertEqual(pipeline.featureNames, definition.columns)
        var worst = 0.0
        for k in 0 ..< x.storage.count { worst = max(worst, abs(x.storage[k] - expected.storage[k])) }
        XCTAssertLessThanOrEqual(worst, 1e-12)
        XCTAssertEqual(raw.truth?.count, 5000)
        XCTAssertEqual(try pipeline.transform(raw), x, "transform repeats fit's matrix bit for bit")
    }

    func testMinMaxAndRobustKnownAnswers() throws {
        let t = table(["a": [1, 2, 3, 5], "b": [4, 4, 4, 4], "c": [1, 2, 3, 4]], order: ["a", "b", "c"])
        let (_, minmax) = try FeaturePipeline.fit(FeatureSetDefinition(name: "m", scale: .minmax), on: t)
        XCTAssertEqual(minmax.column(0), [0, 0.25, 0.5, 1])
        XCTAssertEqual(minmax.column(1), [0, 0, 0, 0], "a constant column keeps scale 1")
        // np.percentile([1,2,3,4], [25,50,75]) = 1.75, 2.5, 3.25 → IQR 1.5.
        let (robust, r) = try FeaturePipeline.fit(FeatureSetDefinition(name: "r", scale: .robust), on: t)
        XCTAssertEqual(robust.center, [2.5, 4, 2.5])
        XCTAssertEqual(robust.scaleFactors, [1.75, 1, 1.5])  // a: Q1 1.75, Q3 3.5
        XCTAssertEqual(r.column(2), [-1, -1.0 / 3, 1.0 / 3, 1])
        let (standard, s) = try FeaturePipeline.fit(FeatureSetDefinition(name: "s", columns: ["b", "c"]), on: t)
        XCTAssertEqual(standard.scaleFactors, [1, (1.25).squareRoot()], "population sd; constant column scale 1")
        XCTAssertEqual(s.column(0), [0, 0, 0, 0])
        let (_, none) = try FeaturePipeline.fit(FeatureSetDefinition(name: "n", columns: ["c", "a"], log1p: ["a"], scale: .none), on: t)
        XCTAssertEqual(none.row(3), [4, _log1p(5)])
    }

    func testOneHotAndErrors() throws {
        var t = table(["x": [1, 2, 3]], order: ["x"])
        t.categoricalNames = ["seg"]
        t.categorical = [["b", "a", "b"]]
        let (p, m) = try FeaturePipeline.fit(FeatureSetDefinition(name: "o", columns: ["x"], onehot: ["seg"], scale: .none), on: t)
        XCTAssertEqual(p.featureNames, ["x", "seg=a", "seg=b"])
        XCTAssertEqual(m.row(0), [1, 0, 1])
        XCTAssertEqual(m.row(1), [2, 1, 0])
        var unseen = t
        unseen.categorical = [["c", "a", "b"]]
        XCTAssertEqual(try p.transform(unseen).row(0), [1, 0, 0], "an unseen category is all zeros")

        let negative = table(["x": [0, -2, 3]], order: ["x"])
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "l", log1p: ["x"]), on: negative),
                           row: nil, column: "x", "log1p needs values above -1, but customer 'c1' has -2.0")
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "l", columns: ["y"]), on: negative),
                           row: nil, column: "y", "is not a candidate feature; candidates: x")
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "l", columns: ["x"], log1p: ["z"]), on: negative),
                           row: nil, column: "z", "log1p names a column that is not in columns")
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "l", onehot: ["x"]), on: negative),
                           row: nil, column: "x", "onehot needs a text column")
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "l", pca: .components(2)), on: negative),
                           row: nil, column: nil, "pca.components is 2 but must be between 1 and 1")
        XCTAssertDataError(try p.transform(negative), row: nil, column: "seg", "no text column 'seg'")
    }

    /// PCA on each reference data set, with every component: ratios relative 1e-9, |components| absolute 1e-9.
    func testPCAMatchesScikitLearn() throws {
        for name in ["iris", "wine", "blobs_2k", "customers_5k", "blobs_20k"] {
            let t = try referenceTable(name)
            let expected = try SharedFixtures.expected(name)["pca"] as! [String: Any]
            let ratios = expected["explained_variance_ratio"] as! [Double]
            let componentsAbs = expected["components_abs"] as! [[Double]]
            let (p, x) = try FeaturePipeline.fit(FeatureSetDefinition(name: name, scale: .none, pca: .components(ratios.count)), on: t)
            XCTAssertEqual(p.featureNames, (1 ... ratios.count).map { "pc\($0)" })
            XCTAssertEqual(x.cols, ratios.count)
            for (mine, theirs) in zip(p.explainedVarianceRatio!, ratios) {
                XCTAssertLessThanOrEqual(abs(mine - theirs) / theirs, 1e-9, "\(name) ratio \(mine) vs \(theirs)")
            }
            for (axis, reference) in zip(p.pca!.components, componentsAbs) {
                for (a, b) in zip(axis, reference) { XCTAssertEqual(abs(a), b, accuracy: 1e-9, name) }
                let big = axis.indices.max { abs(axis[$0]) < abs(axis[$1]) }!
                XCTAssertGreaterThan(axis[big], 0, "sign convention: largest-magnitude entry positive")
            }
            // Variance of each projected column is the explained variance: ratio × total.
            let total = (0 ..< t.numeric.cols).reduce(0.0) { acc, j in
                let c = t.numeric.column(j), m = c.reduce(0, +) / Double(c.count)
                return acc + c.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(c.count - 1)
            }
            let pc1 = x.column(0)
            XCTAssertEqual(pc1.reduce(0) { $0 + $1 * $1 } / Double(pc1.count - 1) / total, ratios[0], accuracy: 1e-9)
        }
    }

    func testPCAVarianceChoosesFewestComponentsExceedingTheRatio() throws {
        let t = try referenceTable("iris")
        // Cumulative ratios: 0.7296, 0.9581, 0.9948, 1.0.
        for (v, k) in [(0.5, 1), (0.7296, 1), (0.73, 2), (0.95, 2), (0.99, 3), (0.999, 4)] {
            let (p, x) = try FeaturePipeline.fit(FeatureSetDefinition(name: "i", scale: .none, pca: .variance(v)), on: t)
            XCTAssertEqual(x.cols, k, "variance \(v)")
            XCTAssertEqual(p.explainedVarianceRatio?.count, 4, "every component's ratio is kept for the scree plot")
        }
    }

    func testFittedPipelineRoundTripsThroughJSON() throws {
        let t = try referenceTable("wine")
        let (p, x) = try FeaturePipeline.fit(FeatureSetDefinition(name: "w", columns: ["x0", "x3", "x5"], scale: .robust, pca: .variance(0.8)), on: t)
        let decoded = try JSONDecoder().decode(FittedFeaturePipeline.self, from: JSONEncoder().encode(p))
        XCTAssertEqual(decoded, p)
        XCTAssertEqual(try decoded.transform(t), x)
    }

    func testJacobiOnAKnownMatrix() throws {
        // [[2,1],[1,2]]: eigenvalues 3 and 1, axes (1,1)/√2 and (1,−1)/√2 signed by the largest entry (first on a tie).
        let (values, vectors) = try SymmetricEigen.decompose([2, 1, 1, 2], dimension: 2)
        XCTAssertEqual(values[0], 3, accuracy: 1e-15)
        XCTAssertEqual(values[1], 1, accuracy: 1e-15)
        XCTAssertEqual(vectors[0][0], 0.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(vectors[0][1], 0.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(vectors[1][0], 0.5.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(vectors[1][1], -(0.5.squareRoot()), accuracy: 1e-15)
    }

    /// Entries near 1e200: the old stopping test squared them, got infinity and stopped before
    /// the first rotation, returning the diagonal (2e200, 2e200) as eigenvalues.
    func testJacobiOnHugeEntries() throws {
        let (values, vectors) = try SymmetricEigen.decompose([2e200, 1e200, 1e200, 2e200], dimension: 2)
        XCTAssertEqual(values[0], 3e200, accuracy: 3e200 * 1e-15)
        XCTAssertEqual(values[1], 1e200, accuracy: 3e200 * 1e-15)
        XCTAssertEqual(vectors[0][1], 0.5.squareRoot(), accuracy: 1e-15)
    }

    /// Every decomposition of a dense matrix reaches the tolerance within a few sweeps, and
    /// the result satisfies A·v = λ·v to rounding.
    func testJacobiConvergesOnDenseMatrices() throws {
        var rng = Xoshiro256StarStar(seed: 3, stream: "jacobi")
        for d in [3, 8, 20, 50] {
            var m = [Double](repeating: 0, count: d * d)
            for p in 0 ..< d { for q in p ..< d { m[p * d + q] = rng.nextGaussian(); m[q * d + p] = m[p * d + q] } }
            let (values, vectors) = try SymmetricEigen.decompose(m, dimension: d, maxSweeps: 15)
            let norm = m.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for (lambda, v) in zip(values, vectors) {
                for i in 0 ..< d {
                    let av = (0 ..< d).reduce(0.0) { $0 + m[i * d + $1] * v[$1] }
                    XCTAssertEqual(av, lambda * v[i], accuracy: 1e-13 * norm, "d=\(d)")
                }
            }
        }
    }

    func testJacobiReportsNonConvergenceAndNonFiniteInput() {
        var rng = Xoshiro256StarStar(seed: 4, stream: "jacobi")
        let d = 6
        var m = [Double](repeating: 0, count: d * d)
        for p in 0 ..< d { for q in p ..< d { m[p * d + q] = rng.nextGaussian(); m[q * d + p] = m[p * d + q] } }
        XCTAssertThrowsError(try SymmetricEigen.decompose(m, dimension: d, maxSweeps: 1)) { e in
            guard case .notConverged(let sweeps, let off)? = e as? SymmetricEigen.Failure else { return XCTFail("\(e)") }
            XCTAssertEqual(sweeps, 1)
            XCTAssertGreaterThan(off, Double.ulpOfOne)
        }
        XCTAssertThrowsError(try SymmetricEigen.decompose([1, .nan, .nan, 1], dimension: 2)) {
            XCTAssertEqual($0 as? SymmetricEigen.Failure, .nonFinite)
        }
    }

    /// A covariance that overflows is bad input naming the feature set, not NaN components.
    func testPCAOnOverflowingValuesNamesTheFeatureSet() {
        let t = table(["x": [1e200, -1e200, 0], "y": [0, 1, 2]], order: ["x", "y"])
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "big", scale: .none, pca: .components(1)), on: t),
                           row: nil, column: nil, "feature_sets.big: PCA: the covariance of the columns overflows")
    }
}
