// libFuzzer entry point for coverage-guided fuzzing of the experiment parser and the CSV
// loaders (see README "Fuzzing" and libfuzzer.sh, which builds this file with the sources it
// needs). CI uses the deterministic fuzzers of Tests/FuzzTests instead; this is for long
// exploratory runs. SEGLAB_LIBFUZZER_TARGET picks the input kind: experiment (default),
// customers or transactions.
import Foundation
import SeglabData

private let target = ProcessInfo.processInfo.environment["SEGLAB_LIBFUZZER_TARGET"] ?? "experiment"
private let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("seglab-libfuzzer-\(getpid()).csv").path

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    switch target {
    case "experiment":
        do { _ = try ExperimentParser.parse(bytes: bytes, file: "fuzz.json", directory: "/fuzz") } catch let e as ExperimentError {
            check(e.description, names: "fuzz.json")
        } catch { fatalError("not an ExperimentError: \(error)") }
    default:
        // A plain write: Foundation's atomic write syncs to disk on every input.
        let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0 && write(fd, data, count) == count, "cannot write \(scratch)")
        close(fd)
        let source: DataSource = target == "customers"
            ? .customersCSV(CustomersCSVSource(path: scratch, id: "id", truth: "segment"))
            : .transactionsCSV(TransactionsCSVSource(path: scratch, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity",
                                                     unitPrice: "UnitPrice", invoice: "InvoiceNo", product: "StockCode"))
        do {
            let table = try DataLoader.load(source, cleaning: CleaningRules(missing: .median), usedColumns: nil)
            _ = try FeaturePipeline.fit(FeatureSetDefinition(name: "fuzz", pca: .variance(0.9)), on: table)
        } catch let e as DataError {
            check(e.description, names: e.file)
        } catch { fatalError("not a DataError: \(error)") }
    }
    return 0
}

/// The SPEC §6 promise: one short line naming the place.
private func check(_ message: String, names place: String) {
    precondition(!message.contains("\n") && !message.contains("\r"), "multi-line message: \(message.prefix(300))")
    precondition(message.utf8.count <= 2_000 + place.utf8.count, "message too long: \(message.prefix(300))")
    precondition(message.contains(place), "message does not name \(place): \(message.prefix(300))")
}
