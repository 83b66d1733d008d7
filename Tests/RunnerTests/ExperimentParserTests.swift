import XCTest
import SeglabClustering
import SeglabData
@testable import SeglabRunner

final class ExperimentParserTests: XCTestCase {
    func parse(_ s: String) throws -> Experiment {
        try ExperimentParser.parse(bytes: Array(s.utf8), file: "exp.json", directory: "/data")
    }

    func expectError(_ s: String, path: String, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parse(s), file: file, line: line) { e in
            guard let e = e as? ExperimentError else { return XCTFail("\(e)", file: file, line: line) }
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.description.contains(text), e.description, file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("exp.json"), e.description, file: file, line: line)
        }
    }

    let minimal = #"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}}, "algorithms": {"kmeans": {"k": 3}}}"#

    func testMinimalFileGetsSpecDefaults() throws {
        let e = try parse(minimal)
        XCTAssertEqual(e.replicates, 1)
        XCTAssertEqual(e.featureSets.map(\.name), ["all"])
        XCTAssertNil(e.featureSets[0].columns)
        XCTAssertEqual(e.featureSets[0].scale, .standard)
        XCTAssertEqual(e.clean, CleaningRules())
        XCTAssertEqual(e.metrics.silhouetteSample, 20_000)
        XCTAssertEqual(e.data, .synthetic(SyntheticSource(customers: 100, segments: 3, seed: 2)))
    }

    func testAxesAsArraysRangesAndScalars() throws {
        let e = try parse(#"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}},"# +
            #""algorithms": {"kmeans": {"k": {"from": 2, "to": 8, "step": 3}, "init": ["random", "k-means++"], "tol": 1}}}"#)
        let axes = e.algorithms[0].axes
        XCTAssertEqual(axes.map(\.parameter), ["k", "init", "tol"])
        XCTAssertEqual(axes[0].values, [.int(2), .int(5), .int(8)])
        XCTAssertEqual(axes[1].values, [.string("random"), .string("k-means++")])
        XCTAssertEqual(axes[2].values, [.real(1.0)], "an integer given for a real parameter is normalised to a real")
    }

    func testRelativeDataPathsResolveAgainstTheFileFolder() throws {
        let e = try parse(#"{"name": "t", "seed": 1, "data": {"customers_csv": {"path": "../x/c.csv", "id": "id", "truth": "seg"}}, "algorithms": {"kmeans": {"k": 3}}}"#)
        XCTAssertEqual(e.data, .customersCSV(CustomersCSVSource(path: "/x/c.csv", id: "id", truth: "seg")))
    }

    func testBadInputNamesTheJSONPath() {
        expectError(#"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}}, "algorithms": {"kmeans": {"k": 3}}, "colour": 1}"#,
                    path: "colour", contains: "unknown key 'colour'")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": 1"#), path: "algorithms.kmeans.k", contains: "at least 2")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": "three""#), path: "algorithms.kmeans.k", contains: "expected an integer")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": 2.5"#), path: "algorithms.kmeans.k", contains: "expected an integer")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": []"#), path: "algorithms.kmeans.k", contains: "must not be empty")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": {"from": 5, "to": 2}"#), path: "algorithms.kmeans.k", contains: "greater than 'to'")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": 3, "init": ["k-means++", "kmeans||"]"#),
                    path: "algorithms.kmeans.init[1]", contains: "not one of")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": 3, "gamma": 1"#), path: "algorithms.kmeans.gamma", contains: "unknown key")
        expectError(minimal.replacingOccurrences(of: #""kmeans""#, with: #""kmedoids""#), path: "algorithms.kmedoids", contains: "unknown algorithm")
        expectError(minimal.replacingOccurrences(of: #""name": "t""#, with: #""name": "Bad Name""#), path: "name", contains: "[a-z0-9_-]+")
        expectError(minimal.replacingOccurrences(of: #""seed": 1,"#, with: #""seed": -1,"#), path: "seed", contains: "at least 0")
        expectError(minimal.replacingOccurrences(of: #""seed": 1,"#, with: ""), path: "", contains: "missing required key 'seed'")
        expectError(minimal.replacingOccurrences(of: #""algorithms": {"kmeans": {"k": 3}}"#, with: #""algorithms": {"kmeans": {}}"#),
                    path: "algorithms.kmeans", contains: "missing required parameter 'k'")
        expectError(#"{"name": "t", "seed": 1, "data": {}, "algorithms": {"kmeans": {"k": 3}}}"#, path: "data", contains: "exactly one source")
        expectError(#"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}}, "feature_sets": {"f": {"columns": ["a"], "log1p": ["b"]}}, "algorithms": {"kmeans": {"k": 3}}}"#,
                    path: "feature_sets.f.log1p[0]", contains: "not one of this feature set's columns")
        expectError(#"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}}, "clean": {"missing": "guess"}, "algorithms": {"kmeans": {"k": 3}}}"#,
                    path: "clean.missing", contains: "not one of: error, drop, mean, median, zero, ffill")
    }

    /// Found by the fuzzer's invariants: `Character.isUppercase` let "É" into a feature set
    /// name documented as [A-Za-z0-9_-]+.
    func testFeatureSetNamesAreASCII() throws {
        let sets = #"{"name": "t", "seed": 1, "data": {"synthetic": {"customers": 100, "segments": 3, "seed": 2}}, "feature_sets": {"NAME": {}}, "algorithms": {"kmeans": {"k": 3}}}"#
        XCTAssertEqual(try parse(sets).featureSets.map(\.name), ["NAME"])
        expectError(sets.replacingOccurrences(of: "NAME", with: "Été"), path: "feature_sets.Été", contains: "must match [A-Za-z0-9_-]+")
    }

    func testNamesAndGridsAreBounded() {
        expectError(minimal.replacingOccurrences(of: #""name": "t""#, with: #""name": "\#(String(repeating: "x", count: 129))""#),
                    path: "name", contains: "the name has 129 characters; at most 128 are allowed")
        expectError(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": {"from": 2, "to": 1002}, "max_iter": {"from": 1, "to": 1000}"#),
                    path: "algorithms", contains: "the grid expands to 1001000 runs")
        XCTAssertNoThrow(try parse(minimal.replacingOccurrences(of: #""k": 3"#, with: #""k": {"from": 2, "to": 1001}, "max_iter": {"from": 1, "to": 1000}"#)), "exactly the limit")
    }

    func testInvalidJSONReportsLineAndColumn() {
        expectError("{\n \"name\": \"t\",\n \"seed\": 1\n \"data\": {}\n}", path: "", contains: "line 4, column 2")
    }
}
