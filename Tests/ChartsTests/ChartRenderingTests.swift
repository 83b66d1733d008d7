import XCTest
@testable import SeglabCharts

/// Every chart type on data shaped like the report's: valid standalone SVG, deterministic,
/// the marks it should have, labels inside the picture.
final class ChartRenderingTests: XCTestCase {
    private let ks = [2.0, 3, 4, 5, 6, 8]
    private let inertia = [124211.48533949486, 51589.43682630199, 33437.73727254862, 19946.037453208453, 18809.291450906356, 17297.241567670528]

    func testElbowLineChartWithTheKneeMarked() throws {
        let points = zip(ks, inertia).map { ChartPoint(x: $0, y: $1) }
        let knee = KneeDetector.kneeIndex(x: ks, y: inertia, shape: .convexDecreasing)!
        let chart = LineChart(title: "kmeans: inertia against k", x: AxisSpec("k", unit: "clusters", integerTicks: true),
                              y: AxisSpec("Inertia", unit: "sum of squares", includeZero: true),
                              series: [.init(name: "kmeans", points: points)],
                              annotations: [Annotation("knee: k = \(Int(ks[knee]))", at: points[knee])])
        let svg = try assertValidChart(chart, title: "kmeans: inertia against k")
        XCTAssertEqual(svg.all("path", inGroup: "data").count, 1)
        XCTAssertEqual(svg.all("circle", inGroup: "data").filter { $0.attributes["fill"] != "none" }.count, 6)
        XCTAssertTrue(svg.texts.contains("knee: k = 4"))
        XCTAssertEqual(svg.all("text", inGroup: "axes").map(\.text).filter { ["2", "4", "6", "8"].contains($0) }, ["2", "4", "6", "8"])
        XCTAssertTrue(svg.texts.contains("140k") && svg.texts.contains("0"), "y ticks 0 … 140k: \(svg.texts)")
        XCTAssertTrue(svg.texts.contains("Inertia (sum of squares)"))
        XCTAssertTrue(svg.texts.contains("k (clusters)"))
        XCTAssertTrue(svg.all("g").filter { $0.attributes["class"] == "legend" }.isEmpty, "one series, no legend")
    }

    func testLineChartBreaksAtAFailedRunAndHasALegendForSeveralSeries() throws {
        let chart = LineChart(title: "Silhouette against k", x: AxisSpec("k", integerTicks: true), y: AxisSpec("Silhouette"),
                              series: [.init(name: "kmeans", points: [.init(x: 2, y: 0.5), .init(x: 3, y: .nan), .init(x: 4, y: 0.6), .init(x: 5, y: 0.55)]),
                                       .init(name: "gmm", points: [.init(x: 2, y: 0.45), .init(x: 3, y: 0.52)], dashed: true)])
        let svg = try assertValidChart(chart, title: "Silhouette against k")
        let paths = svg.all("path", inGroup: "data")
        XCTAssertEqual(paths[0].attributes["d"]!.filter { $0 == "M" }.count, 2, "the NaN point splits the line")
        XCTAssertEqual(paths[1].attributes["stroke-dasharray"], "6 4")
        XCTAssertEqual(svg.all("text", inGroup: "legend").map(\.text), ["kmeans", "gmm"])
    }

    func testScatterByGroupWithAParetoFront() throws {
        let runs: [(String, Double, Double)] = [("kmeans", 0.52, 0.08), ("kmeans", 0.61, 0.02), ("kmeans", 0.48, 0.15),
                                                ("gmm", 0.55, 0.11), ("gmm", 0.40, 0.15), ("gmm", 0.58, 0.05)]
        let groups = ["kmeans", "gmm"].map { name in
            ScatterChart.Group(name: name, points: runs.filter { $0.0 == name }.map { ChartPoint(x: $0.1, y: $0.2) })
        }
        let all = runs.map { ChartPoint(x: $0.1, y: $0.2) }
        let front = ParetoFront.points(all)
        XCTAssertEqual(front, [ChartPoint(x: 0.48, y: 0.15), ChartPoint(x: 0.55, y: 0.11), ChartPoint(x: 0.58, y: 0.05), ChartPoint(x: 0.61, y: 0.02)])
        let chart = ScatterChart(title: "Quality against balance", x: AxisSpec("Silhouette"),
                                 y: AxisSpec("Smallest cluster share", style: .percent, includeZero: true),
                                 groups: groups, front: front, legendTitle: "Algorithm")
        let svg = try assertValidChart(chart, title: "Quality against balance")
        XCTAssertEqual(svg.all("circle", inGroup: "data").count, 6)
        XCTAssertEqual(svg.all("text", inGroup: "legend").map(\.text), ["Algorithm", "kmeans", "gmm", "Pareto front"])
        let step = svg.all("path", inGroup: "data").first!.attributes["d"]!
        XCTAssertEqual(step.filter { $0 == "L" }.count, 6, "4 front points: 3 drops and 3 runs")
        XCTAssertTrue(svg.texts.contains("10%"))
        XCTAssertEqual(ScatterChart.staircase([ChartPoint(x: 0.6, y: 0.1), ChartPoint(x: 0.4, y: 0.3), ChartPoint(x: 0.5, y: 0.2)]),
                       [ChartPoint(x: 0.4, y: 0.3), ChartPoint(x: 0.4, y: 0.2), ChartPoint(x: 0.5, y: 0.2), ChartPoint(x: 0.5, y: 0.1), ChartPoint(x: 0.6, y: 0.1)])
    }

    func testLargeScatterStaysSmall() throws {
        var state: UInt64 = 99
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 }
        let groups = (0 ..< 5).map { g in
            ScatterChart.Group(name: "segment \(g)", points: (0 ..< 800).map { _ in ChartPoint(x: Double(g) + next(), y: next() * 40 - 20) })
        }
        let chart = ScatterChart(title: "t-SNE of 4,000 customers", x: AxisSpec("t-SNE 1"), y: AxisSpec("t-SNE 2"), groups: groups, pointRadius: 2)
        let svg = try assertValidChart(chart, title: "t-SNE of 4,000 customers")
        XCTAssertEqual(svg.all("circle", inGroup: "data").count, 4000)
        XCTAssertLessThan(chart.render().utf8.count, 300_000)
    }

    func testSegmentSizeBars() throws {
        let chart = BarChart(title: "Segment sizes",
                             bars: [.init(label: "high value · frequent · recent", value: 500, valueLabel: "500 (10%)"),
                                    .init(label: "lapsed · low spend", value: 2000, valueLabel: "2,000 (40%)"),
                                    .init(label: "regular", value: 1500, valueLabel: "1,500 (30%)"),
                                    .init(label: "new · single order", value: 1000, valueLabel: "1,000 (20%)")],
                             category: "Segment", value: AxisSpec("Customers"))
        let svg = try assertValidChart(chart, title: "Segment sizes")
        let bars = svg.all("rect", inGroup: "data")
        XCTAssertEqual(bars.count, 4)
        let heights = bars.map { Double($0.attributes["height"]!)! }
        XCTAssertEqual(heights[1] / heights[0], 4, accuracy: 0.02, "heights proportional to values, from zero")
        XCTAssertEqual(bars.map { $0.attributes["fill"]! }, Palette.categorical(4).map(\.hex))
        XCTAssertTrue(svg.texts.contains("2,000 (40%)"))
        XCTAssertTrue(svg.all("text", inGroup: "axes").contains { $0.attributes["transform"]?.hasPrefix("rotate(-40") == true },
                      "long segment names are turned")
    }

    func testMetricHeatMapAcrossTwoGridAxes() throws {
        let chart = HeatMap(title: "kmeans: silhouette across k and init", rowLabels: ["k-means++", "random"],
                            columnLabels: ["2", "3", "4", "5"], values: [[0.41, 0.52, 0.47, 0.44], [0.40, nil, 0.45, .nan]],
                            rowTitle: "init", columnTitle: "k", colorLabel: "Silhouette")
        let svg = try assertValidChart(chart, title: "kmeans: silhouette across k and init")
        let cells = svg.all("rect", inGroup: "data")
        XCTAssertEqual(cells.count, 8)
        XCTAssertEqual(cells[5].attributes["fill"], "#f0f0f0", "a missing run is an empty cell")
        XCTAssertEqual(cells[7].attributes["fill"], "#f0f0f0")
        XCTAssertEqual(svg.all("text", inGroup: "values").map(\.text), ["0.41", "0.52", "0.47", "0.44", "0.40", "0.45"])
        XCTAssertEqual(svg.all("rect", inGroup: "legend").count, 48)
    }

    func testCorrelationHeatMapUsesDivergingColours() throws {
        let r = [[1, -0.35, 0.8], [-0.35, 1, 0], [0.8, 0, 1]]
        let chart = HeatMap.correlation(title: "behaviour: correlations", labels: ["recency_days", "frequency", "monetary & <more>"], matrix: r)
        let svg = try assertValidChart(chart, title: "behaviour: correlations")
        let fills = svg.all("rect", inGroup: "data").map { $0.attributes["fill"]! }
        XCTAssertEqual(fills[0], ColorMap.blueOrange.color(at: 1).hex)
        XCTAssertEqual(fills[5], ColorMap.blueOrange.color(at: 0.5).hex)
        XCTAssertEqual(fills[1], ColorMap.blueOrange.color(at: 0.325).hex)
        XCTAssertEqual(svg.all("text", inGroup: "values").map(\.text), ["1.00", "−0.35", "0.80", "−0.35", "1.00", "0.00", "0.80", "0.00", "1.00"])
        XCTAssertTrue(svg.texts.contains("monetary & <more>"), "labels escaped and read back")
        XCTAssertTrue(svg.texts.contains("−1.0") && svg.texts.contains("1.0"), "colour bar from −1 to 1")
    }

    func testRadarOfSegmentProfiles() throws {
        let chart = RadarChart(title: "Segment profiles (z-scores)",
                               axes: ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket"],
                               series: [.init(name: "high value", values: [-0.8, 1.9, 2.2, 1.1, 1.4]),
                                        .init(name: "lapsed", values: [1.4, -0.7, -0.6, 0.2, -0.3]),
                                        .init(name: "new", values: [-0.9, -0.8, -0.7, -1.6, -0.2])])
        let svg = try assertValidChart(chart, title: "Segment profiles (z-scores)")
        XCTAssertEqual(svg.all("path", inGroup: "data").count, 3)
        XCTAssertEqual(svg.all("circle", inGroup: "data").count, 15)
        XCTAssertEqual(svg.all("text", inGroup: "legend").map(\.text), ["high value", "lapsed", "new"])
        let rings = svg.all("path", inGroup: "grid")
        XCTAssertEqual(rings.filter { $0.attributes["stroke-width"] == "1.5" }.count, 1, "the zero ring is emphasised")
        for axis in ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket"] { XCTAssertTrue(svg.texts.contains(axis)) }
    }

    func testScreePlot() throws {
        let chart = ScreePlot(title: "behaviour: PCA scree plot", ratios: [0.52, 0.23, 0.13, 0.08, 0.04])
        let svg = try assertValidChart(chart, title: "behaviour: PCA scree plot")
        XCTAssertEqual(svg.all("rect", inGroup: "data").count, 5)
        XCTAssertEqual(svg.all("circle", inGroup: "data").count, 5)
        XCTAssertEqual(svg.all("text", inGroup: "axes").map(\.text).filter { $0.hasPrefix("PC") }, ["PC1", "PC2", "PC3", "PC4", "PC5"])
        XCTAssertTrue(svg.texts.contains("100%"))
    }

    func testEscapingAndTheSVGBuilder() throws {
        var e = SVGElement("text", ["x": 1.005, "y": -0.004, "data-note": "say \"hi\" & <bye>\n"], text: "a<b & 'c' \u{1}")
        e.set("x", 2)
        XCTAssertEqual(e.render(), "<text x=\"2\" y=\"0\" data-note=\"say &quot;hi&quot; &amp; &lt;bye&gt;&#10;\">a&lt;b &amp; 'c' \u{FFFD}</text>\n")
        let doc = SVGDocument(width: 200, height: 100, title: "Title & <more>", description: "d", children: [e])
        let parsed = try ParsedSVG(doc.render())
        XCTAssertEqual(parsed.elements.map(\.name), ["svg", "title", "desc", "text"])
        XCTAssertEqual(parsed.elements[1].text, "Title & <more>")
        XCTAssertEqual(parsed.elements[3].attributes["data-note"], "say \"hi\" & <bye>\n")
    }

    func testAwkwardInputStillDrawsAValidChart() throws {
        // Empty series, a single point, a constant series, extreme values: never a crash or NaN.
        _ = try assertValidChart(LineChart(title: "empty", x: AxisSpec("k"), y: AxisSpec("v"), series: []), title: "empty")
        _ = try assertValidChart(LineChart(title: "one", x: AxisSpec("k"), y: AxisSpec("v"),
                                           series: [.init(name: "a", points: [.init(x: 3, y: 7)])]), title: "one")
        _ = try assertValidChart(BarChart(title: "flat", bars: [.init(label: "a", value: 0), .init(label: "b", value: 0)],
                                          category: "c", value: AxisSpec("v")), title: "flat")
        _ = try assertValidChart(ScatterChart(title: "huge", x: AxisSpec("x", logarithmic: true), y: AxisSpec("y"),
                                              groups: [.init(name: "g", points: [.init(x: 1e-3, y: -1e12), .init(x: 1e6, y: 1e12), .init(x: -5, y: 0)])]),
                                 title: "huge")
        _ = try assertValidChart(HeatMap(title: "all missing", rowLabels: ["a"], columnLabels: ["b"], values: [[nil]], colorLabel: "v"),
                                 title: "all missing")
        _ = try assertValidChart(RadarChart(title: "flat radar", axes: ["a", "b", "c"], series: [.init(name: "s", values: [0, 0, 0])]),
                                 title: "flat radar")
    }
}
