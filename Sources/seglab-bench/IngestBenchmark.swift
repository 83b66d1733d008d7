import Foundation
import SeglabData

/// `seglab-bench ingest [PATH] [--runs N]`: wall time of reading a transactions CSV, checking
/// every row, default cleaning and aggregating the SPEC §5 customer features — the same call
/// a run makes. Prints every run and the median (compare with `benchmarks/pandas_ingest.py`).
/// The column mapping is chosen from the header: UCI Online Retail or CDNOW.
func ingestBenchmark(arguments: [String]) throws {
    var path = "../shared/data/online_retail/transactions.csv"
    var runs = 7
    var rest = arguments[...]
    while let a = rest.popFirst() {
        if a == "--runs", let v = rest.popFirst().flatMap(Int.init), v > 0 { runs = v } else { path = a }
    }
    let header = (try String(contentsOfFile: path, encoding: .utf8)).prefix { $0 != "\n" && $0 != "\r" }
    let source: TransactionsCSVSource
    if header.contains("InvoiceNo") {
        source = TransactionsCSVSource(path: path, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity",
                                       unitPrice: "UnitPrice", invoice: "InvoiceNo", product: "StockCode", asOf: "2011-12-10")
    } else {
        source = TransactionsCSVSource(path: path, customer: "customer_id", date: "date", quantity: "quantity", amount: "amount")
    }
    var seconds = [Double]()
    var table: CustomerTable?
    for run in 1 ... runs {
        let start = DispatchTime.now().uptimeNanoseconds
        table = try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil)
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        print("run \(run): \(String(format: "%.4f", seconds.last!)) s")
    }
    let rows = table!.report.steps.first!.rowsIn
    let median = seconds.sorted()[seconds.count / 2]
    print("ingest \(path): \(rows) rows -> \(table!.count) customers; median \(String(format: "%.4f", median)) s of \(runs) runs (\(String(format: "%.1f", Double(rows) / median / 1e6)) M rows/s)")
}
