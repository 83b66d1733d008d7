import XCTest
@testable import SeglabData

/// customers_csv: column kinds, duplicates, ids, missing values, outliers.
final class CustomersCSVTests: XCTestCase {
    private func load(_ text: String, cleaning: CleaningRules = CleaningRules(), used: Set<String>? = nil,
                      truth: String? = nil) throws -> CustomerTable {
        try DataLoader.load(.customersCSV(CustomersCSVSource(path: TempFiles.write(text), id: "id", truth: truth)),
                            cleaning: cleaning, usedColumns: used)
    }

    private func column(_ t: CustomerTable, _ name: String) -> [Double] { t.numeric.column(t.numericNames.firstIndex(of: name)!) }

    func testColumnsKindsTruthAndReport() throws {
        let t = try load("id,a,seg,b,true\n1,1.5,x,10,g1\n2,2.5,y,20,g2\n3,,x,30,g1\n", cleaning: CleaningRules(missing: .zero), truth: "true")
        XCTAssertEqual(t.ids, ["1", "2", "3"])
        XCTAssertEqual(t.numericNames, ["a", "b"])
        XCTAssertEqual(t.categoricalNames, ["seg"])
        XCTAssertEqual(t.categorical, [["x", "y", "x"]])
        XCTAssertEqual(t.truth, ["g1", "g2", "g1"])
        XCTAssertEqual(column(t, "a"), [1.5, 2.5, 0])
        XCTAssertEqual(t.report.steps.map { "\($0.step):\($0.rowsIn)>\($0.rowsOut)" }, ["read:3>3", "duplicates:3>3", "missing:3>3"])
        let candidates = try DataLoader.candidateColumns(.customersCSV(CustomersCSVSource(path: TempFiles.write("id,a,seg,b,true\n1,1,x,2,g\n"), id: "id", truth: "true")))
        XCTAssertEqual(candidates.numeric, ["a", "b"])
        XCTAssertEqual(candidates.categorical, ["seg"])
    }

    func testUsedColumnsLimitTheTableAndMissingChecks() throws {
        let text = "id,a,b\n1,1,\n2,2,\n"
        XCTAssertDataError(try load(text), row: 2, column: "b", "is empty (a missing value); set clean.missing")
        let t = try load(text, used: ["a"])
        XCTAssertEqual(t.numericNames, ["a"])
        XCTAssertDataError(try load(text, used: ["c"]), row: nil, column: "c", "is not a column of the file")
        XCTAssertDataError(try load(text, used: ["id"]), row: nil, column: "id", "is the id column")
    }

    func testNonFiniteTextIsBadInputAndOtherTextMakesATextColumn() throws {
        XCTAssertDataError(try load("id,x\n1,2\n2,NaN\n"), row: 3, column: "x", "'NaN' is not a finite number")
        XCTAssertDataError(try load("id,x\n1,-Infinity\n"), row: 2, column: "x", "not a finite number")
        // The first non-empty cell sets a column's kind: a later non-number in a numeric
        // column is a typo to report, not a reason to make the column text.
        XCTAssertDataError(try load("id,x\n1,\n2,2\n3,NA\n"), row: 4, column: "x", "'NA' is not a number")
        let t = try load("id,x\n1,\n2,A\n3,2\n")
        XCTAssertEqual(t.categoricalNames, ["x"])
        XCTAssertDataError(try FeaturePipeline.fit(FeatureSetDefinition(name: "s", columns: ["x"]), on: t),
                           row: nil, column: "x", "is a text column (e.g. 'A'); list it under onehot")
    }

    func testDuplicatesAndRepeatedIds() throws {
        let copies = "id,a\n1,5\n2,6\n1,5\n"
        let t = try load(copies)
        XCTAssertEqual(t.ids, ["1", "2"])
        XCTAssertEqual(t.report.steps[1].rowsOut, 2)
        XCTAssertEqual(try load(copies, cleaning: CleaningRules(duplicates: .keep)).ids, ["1", "2", "1"])
        XCTAssertDataError(try load("id,a\n1,5\n2,6\n1,7\n"), row: 4, column: "id", "id '1' also appears on row 2 with different values")
        XCTAssertDataError(try load("id,a\n1,5\n,6\n"), row: 3, column: "id", "is empty")
        XCTAssertDataError(try load("id,a\n"), row: 2, column: nil, "no customer rows")
        XCTAssertDataError(try load("key,a\n1,2\n"), row: 1, column: "id", "no column named 'id'")
    }

    func testMissingValueRules() throws {
        let text = "id,a,b,seg\n1,1.0,10,x\n2,,20,y\n3,3.0,,x\n4,5.0,40,\n"
        XCTAssertDataError(try load(text), row: 3, column: "a", "set clean.missing to drop, mean, median, zero or ffill")
        let all: Set<String> = ["a", "b", "seg"]
        let dropped = try load(text, cleaning: CleaningRules(missing: .drop), used: all)
        XCTAssertEqual(dropped.ids, ["1"])
        XCTAssertEqual(dropped.report.steps.last.map { [$0.rowsIn, $0.rowsOut] }, [4, 1])
        XCTAssertEqual(try load(text, cleaning: CleaningRules(missing: .drop)).ids, ["1", "4"], "a text column nobody names is not checked")
        XCTAssertEqual(try load(text, cleaning: CleaningRules(missing: .drop), used: ["a"]).ids, ["1", "3", "4"])
        XCTAssertEqual(column(try load(text, cleaning: CleaningRules(missing: .mean)), "a"), [1, 3, 3, 5])
        let median = try load(text, cleaning: CleaningRules(missing: .median), used: all)
        XCTAssertEqual(column(median, "b"), [10, 20, 20, 40])
        XCTAssertEqual(median.categorical, [["x", "y", "x", ""]], "an empty text cell stays its own category")
        XCTAssertEqual(column(try load(text, cleaning: CleaningRules(missing: .zero)), "b"), [10, 20, 0, 40])
        let ffill = try load(text, cleaning: CleaningRules(missing: .ffill), used: all)
        XCTAssertEqual(column(ffill, "a"), [1, 1, 3, 5])
        XCTAssertEqual(column(ffill, "b"), [10, 20, 20, 40])
        XCTAssertEqual(ffill.categorical, [["x", "y", "x", "x"]])
        XCTAssertEqual(column(try load("id,a\n1,\n2,\n3,7\n4,\n", cleaning: CleaningRules(missing: .ffill)), "a"), [7, 7, 7, 7],
                       "leading empty cells take the first value below")
        XCTAssertDataError(try load("id,a,b\n1,,1\n2,,2\n", cleaning: CleaningRules(missing: .mean)), row: nil, column: "a", "has no value at all")
    }

    func testOutlierMethods() throws {
        let text = "id,v,w\n" + (1 ... 9).map { "\($0),\($0),1" }.joined(separator: "\n") + "\n10,100,1\n"
        func run(_ m: OutlierRule.Method, _ a: OutlierRule.Action) throws -> CustomerTable {
            try load(text, cleaning: CleaningRules(outliers: OutlierRule(method: m, action: a)))
        }
        // Quartiles of 1...9,100 (linear): Q1 = 3.25, Q3 = 7.75, IQR 4.5.
        XCTAssertEqual(column(try run(.iqr(factor: 1), .clip), "v").last, 7.75 + 4.5)
        XCTAssertEqual(try run(.iqr(factor: 1), .drop).ids, (1 ... 9).map(String.init))
        // Mean 14.5, population sd sqrt(Σ(x − 14.5)² / 10).
        let values = (1 ... 9).map(Double.init) + [100]
        let sd = (values.reduce(0) { $0 + ($1 - 14.5) * ($1 - 14.5) } / 10).squareRoot()
        XCTAssertEqual(column(try run(.zscore(limit: 2), .clip), "v").last, 14.5 + 2 * sd)
        XCTAssertEqual(try run(.zscore(limit: 3), .drop).count, 10, "100 is within 3 sd of the mean here")
        let q = column(try run(.quantile(lower: 0.1, upper: 0.9), .clip), "v")
        XCTAssertEqual(q.first!, 1.9, accuracy: 1e-12)
        XCTAssertEqual(q.last!, 18.1, accuracy: 1e-12)
        XCTAssertEqual(try run(.quantile(lower: 0.1, upper: 0.9), .drop).ids, (2 ... 9).map(String.init))
        XCTAssertDataError(try run(.quantile(lower: 0.5, upper: 0.5), .drop), row: nil, column: nil, "no customer is left")
    }
}
