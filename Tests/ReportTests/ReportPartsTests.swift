import XCTest
import SeglabData
import SeglabLedger
import SeglabNumerics
@testable import SeglabReport
@testable import SeglabRunner

/// The report's pieces with known answers: axes of the heat map, best value per k, chart file
/// names, correlations, HTML escaping.
final class ReportPartsTests: XCTestCase {
    func run(_ id: String, set: String = "rfm", _ params: String, silhouette: Double, inertia: Double? = nil) throws -> RunData {
        let record = RunRecord(id: id, key: id, experiment: "e", featureSet: set, algorithm: "kmeans", paramsJSON: params,
                               seed: 1, replicate: 0, configJSON: "{}", status: .completed)
        guard case .object(let members) = try JSONParser.parse(Array(params.utf8)) else { throw XCTSkip("bad fixture") }
        var metrics = ["silhouette": silhouette]
        if let inertia { metrics["inertia"] = inertia }
        return RunData(record: record, metrics: metrics, params: members)
    }

    func testHeatMapTakesTheTwoAxesWithMostValuesBesidesK() throws {
        var runs: [RunData] = []
        var n = 0
        for k in [2, 3, 4] {
            for initName in ["k-means++", "random"] {
                for nInit in [1, 5, 10] {
                    n += 1
                    runs.append(try run("r\(n)", #"{"init":"\#(initName)","k":\#(k),"n_init":\#(nInit)}"#, silhouette: Double(k * 100 + nInit) / 1000))
                }
            }
        }
        let view = AlgorithmView(name: "kmeans", runs: runs)
        XCTAssertEqual(view.axes.map(\.name), ["k", "init", "n_init"])
        let map = try XCTUnwrap(view.heatMap("silhouette", higherIsBetter: true))
        // n_init (3 values) across, init (2) down; each cell the best over k (k = 4).
        XCTAssertEqual(map.columns.name, "n_init")
        XCTAssertEqual(map.rows.name, "init")
        XCTAssertEqual(map.columns.values, [.int(1), .int(5), .int(10)])
        XCTAssertEqual(map.cells, [[0.401, 0.405, 0.41], [0.401, 0.405, 0.41]])

        // One axis besides k: that axis down, k across.
        let two = AlgorithmView(name: "kmeans", runs: runs.filter { $0.param("n_init") == .int(1) })
        XCTAssertEqual(two.heatMapAxes.map { [$0.rows.name, $0.columns.name] }, ["init", "k"])
        // An axis that follows from another (n_init from init) does not make a pair with it.
        var derived: [RunData] = []
        for (i, (initName, set)) in [("k-means++", "a"), ("random", "a"), ("k-means++", "b"), ("random", "b")].enumerated() {
            let nInit = initName == "random" ? 10 : 1
            derived.append(try run("d\(i)", set: set, #"{"init":"\#(initName)","k":3,"n_init":\#(nInit)}"#, silhouette: 0.3))
        }
        let pair = try XCTUnwrap(AlgorithmView(name: "kmeans", runs: derived).heatMapAxes)
        XCTAssertEqual([pair.rows.name, pair.columns.name], ["feature_set", "init"])
        // Only k varies: no heat map.
        XCTAssertNil(AlgorithmView(name: "kmeans", runs: runs.filter { $0.param("n_init") == .int(1) && $0.param("init") == .string("random") }).heatMapAxes)
    }

    func testBestPerKPerFeatureSet() throws {
        let runs = [
            try run("a", #"{"k":2}"#, silhouette: 0.5, inertia: 90), try run("b", #"{"k":2}"#, silhouette: 0.6, inertia: 80),
            try run("c", #"{"k":3}"#, silhouette: 0.4, inertia: 50), try run("d", set: "pca", #"{"k":2}"#, silhouette: 0.7, inertia: 9),
        ]
        let view = AlgorithmView(name: "kmeans", runs: runs)
        XCTAssertEqual(view.axes.map(\.name), ["k", "feature_set"])
        let inertia = view.bestPerK("inertia", higherIsBetter: false, featureSets: ["rfm", "pca"])
        XCTAssertEqual(inertia.map(\.featureSet), ["rfm", "pca"])
        XCTAssertEqual(inertia[0].points.map(\.k), [2, 3])
        XCTAssertEqual(inertia[0].points.map(\.value), [80, 50])
        XCTAssertEqual(view.bestPerK("silhouette", higherIsBetter: true, featureSets: ["rfm"])[0].points.map(\.value), [0.6, 0.4])
    }

    func testChartFileNames() {
        XCTAssertEqual(ReportChart.fileName("kmeans-rfm_plus-elbow"), "kmeans-rfm-plus-elbow.svg")
        XCTAssertEqual(ReportChart.fileName("run-0a1b-loss-Auto Encoder"), "run-0a1b-loss-auto-encoder.svg")
    }

    func testPearsonCorrelation() {
        // y = 2x + 1 (r = 1), z = −x (r = −1), w constant (undefined).
        let rows = (0 ..< 5).map { i -> [Double] in let x = Double(i); return [x, 2 * x + 1, -x, 3] }
        let t = CustomerTable(ids: rows.indices.map(String.init), numericNames: ["x", "y", "z", "w"],
                              numeric: Matrix(rowArrays: rows), report: DataReport(source: "test"))
        let r = FeatureSetView.pearson(t, columns: ["x", "y", "z", "w"])
        XCTAssertEqual(r[0][1], 1, accuracy: 1e-12)
        XCTAssertEqual(r[2][0], -1, accuracy: 1e-12)
        XCTAssertTrue(r[3][0].isNaN)
        // Against a hand computation on uneven data.
        let u = CustomerTable(ids: ["a", "b", "c", "d"], numericNames: ["p", "q"],
                              numeric: Matrix(rowArrays: [[1, 2], [2, 1], [3, 4], [4, 3]]), report: DataReport(source: "test"))
        XCTAssertEqual(FeatureSetView.pearson(u, columns: ["p", "q"])[0][1], 0.6, accuracy: 1e-12)
    }

    func testHTMLIsEscapedAndSVGInlinedAsIs() {
        let cell = HTMLElement("td", ["title": "a \"b\""], content: [.text("<lapsed> & co"), .raw("<svg></svg>")])
        XCTAssertEqual(cell.render(), #"<td title="a &quot;b&quot;">&lt;lapsed&gt; &amp; co<svg></svg></td>"#)
        XCTAssertEqual(HTMLElement("meta", ["charset": "utf-8"]).render(), "<meta charset=\"utf-8\">\n")
    }
}
