import Foundation
import XCTest
import SeglabData
import SeglabNumerics
import SeglabTestSupport

/// The CSV readers under seeded mutation, through the real loaders (README "Fuzzing"):
/// `customers_csv` and `transactions_csv` files are loaded, cleaned under a rotating set of
/// cleaning rules and turned into a feature matrix. Each input either gives a table and a
/// finite matrix or a `DataError` naming the file (and, for a row's fault, a row that exists);
/// never a crash, a hang, another error type or a multi-line message.
final class CSVFuzzTests: XCTestCase {
    /// A way to read the fuzzed file: the source, the cleaning, the feature set.
    struct Reading: Sendable {
        var source: @Sendable (String) -> DataSource
        var cleaning: CleaningRules
        var featureSet: FeatureSetDefinition
    }

    static let cleanings: [CleaningRules] = [
        CleaningRules(),
        CleaningRules(missing: .drop, duplicates: .keep, cancellations: .exclude),
        CleaningRules(missing: .mean, outliers: OutlierRule(method: .iqr(factor: 1.5), action: .clip)),
        CleaningRules(missing: .median, outliers: OutlierRule(method: .quantile(lower: 0.1, upper: 0.9), action: .drop)),
        CleaningRules(missing: .zero, outliers: OutlierRule(method: .zscore(limit: 2), action: .drop)),
        CleaningRules(missing: .ffill, duplicates: .keep),
    ]

    static let customerReadings: [Reading] = cleanings.flatMap { cleaning in [
        Reading(source: { .customersCSV(CustomersCSVSource(path: $0, id: "id", truth: "segment")) }, cleaning: cleaning,
                featureSet: FeatureSetDefinition(name: "fuzz")),
        Reading(source: { .customersCSV(CustomersCSVSource(path: $0, id: "id")) }, cleaning: cleaning,
                featureSet: FeatureSetDefinition(name: "fuzz", columns: ["recency", "frequency", "monetary"], log1p: ["frequency"],
                                                 onehot: ["channel"], scale: .robust, pca: .variance(0.9))),
        Reading(source: { .customersCSV(CustomersCSVSource(path: $0, id: "id", truth: "segment")) }, cleaning: cleaning,
                featureSet: FeatureSetDefinition(name: "fuzz", columns: ["monetary", "recency"], scale: .minmax, pca: .components(1))),
    ] }

    static let transactionReadings: [Reading] = cleanings.flatMap { cleaning in [
        Reading(source: { .transactionsCSV(TransactionsCSVSource(path: $0, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity",
                                                                 unitPrice: "UnitPrice", invoice: "InvoiceNo", product: "StockCode")) },
                cleaning: cleaning, featureSet: FeatureSetDefinition(name: "fuzz", log1p: ["frequency", "monetary"])),
        Reading(source: { .transactionsCSV(TransactionsCSVSource(path: $0, customer: "customer", date: "day", quantity: "qty",
                                                                 amount: "amount", asOf: "2012-01-01", dateFormat: "%m/%d/%Y %H:%M")) },
                cleaning: cleaning,
                featureSet: FeatureSetDefinition(name: "fuzz", columns: ["recency_days", "monetary", "days_between_orders"],
                                                 scale: .robust, pca: .variance(0.5))),
    ] }

    func testCustomersCSVUnderMutation() throws {
        try fuzz(kind: "customers_csv", corpus: FuzzCorpus.customers, readings: Self.customerReadings)
    }

    func testTransactionsCSVUnderMutation() throws {
        try fuzz(kind: "transactions_csv", corpus: FuzzCorpus.retailTransactions + FuzzCorpus.amountTransactions,
                 readings: Self.transactionReadings)
    }

    private func fuzz(kind: String, corpus: [[UInt8]], readings: [Reading]) throws {
        let session = try FuzzSession(kind: kind)
        var mutator = Mutator(seed: FuzzSettings.seed, stream: "fuzz.\(kind)", corpus: corpus, dictionary: FuzzCorpus.csvDictionary)
        for index in 0 ..< FuzzSettings.cases {
            let input = mutator.next()
            let path = session.save(input, as: "current.csv")
            let reading = readings[index % readings.count]
            let what = "\(kind) case #\(index) (seed \(FuzzSettings.seed))"
            session.start(index)
            do {
                let source = reading.source(path)
                if case .customersCSV = source { _ = try DataLoader.candidateColumns(source) }
                let table = try DataLoader.load(source, cleaning: reading.cleaning, usedColumns: nil)
                XCTAssertGreaterThan(table.count, 0, what)
                XCTAssertEqual(table.numeric.rows, table.count, what)
                XCTAssertFalse(table.numeric.storage.contains { $0.isNaN }, "\(what): NaN left in the table")
                let (_, x) = try FeaturePipeline.fit(reading.featureSet, on: table)
                XCTAssertTrue(x.storage.allSatisfy(\.isFinite), "\(what): non-finite feature matrix")
                session.end(index, rejection: nil)
            } catch let e as DataError {
                XCTAssertTrue(e.file == path || e.file == "feature_sets.fuzz", "\(what): file \(e.file)")
                checkMessage(e.description, names: e.file, what)
                if let row = e.row {
                    let lines = input.reduce(1) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
                    XCTAssertTrue((1 ... lines + 1).contains(row), "\(what): row \(row) of \(lines) lines: \(e)")
                }
                session.end(index, rejection: e.message)
            } catch {
                XCTFail("\(what): \(type(of: error)) instead of a DataError: \(error)")
                session.end(index, rejection: "\(error)")
            }
        }
        session.finish()
        XCTAssertGreaterThan(session.accepted, 0, "no mutated file was valid: the fuzzer only tests the syntax checks")
    }

    /// Mutated data files through `seglab validate` on a fixed, valid experiment.
    func testValidateCommandOnMutatedCSV() throws {
        try requireBinary()
        for (kind, corpus, experiment) in [
            ("customers-cli", FuzzCorpus.customers,
             #"{"name": "c", "seed": 1, "data": {"customers_csv": {"path": "c.csv", "id": "id", "truth": "segment"}}, "clean": {"missing": "median"}, "feature_sets": {"f": {"columns": ["recency", "frequency", "monetary"], "onehot": ["channel"]}}, "algorithms": {"kmeans": {"k": 2}}}"#),
            ("transactions-cli", FuzzCorpus.retailTransactions,
             #"{"name": "t", "seed": 1, "data": {"transactions_csv": {"path": "c.csv", "customer": "CustomerID", "invoice": "InvoiceNo", "date": "InvoiceDate", "quantity": "Quantity", "unit_price": "UnitPrice", "product": "StockCode"}}, "feature_sets": {"f": {"columns": ["recency_days", "frequency", "monetary"], "pca": {"components": 2}}}, "algorithms": {"kmeans": {"k": 2}}}"#),
        ] {
            let dir = try CLIRunner.temporaryDirectory()
            addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
            try Data(experiment.utf8).write(to: dir.appendingPathComponent("e.json"))
            var mutator = Mutator(seed: FuzzSettings.seed, stream: "fuzz.\(kind)", corpus: corpus, dictionary: FuzzCorpus.csvDictionary)
            let inputs = (0 ..< FuzzSettings.cliCases).map { _ in mutator.next() }
            try runThroughBinary(inputs, kind: kind, in: dir, fileName: "c.csv", mustName: ["c.csv", "e.json"])
        }
    }
}
