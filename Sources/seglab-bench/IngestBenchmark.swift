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
    guard let handle = FileHandle(forReadingAtPath: path) else { throw BenchError("cannot read \(path)") }
    let header = String(decoding: handle.readData(ofLength: 1 << 16), as: UTF8.self).prefix { $0 != "\n" && $0 != "\r" }
    try handle.close()
    let source: TransactionsCSVSource
    if header.contains("InvoiceNo") {
        source = TransactionsCSVSource(path: path, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity",
                                       unitPrice: "UnitPrice", invoice: "InvoiceNo", product: "StockCode", asOf: "2011-12-10")
    } else {
        source = TransactionsCSVSource(path: path, customer: "customer_id", date: "date", quantity: "quantity", amount: "amount")
    }
    var seconds = [Double](), cpu = [Double]()
    var table: CustomerTable?
    for run in 1 ... runs {
        let (start, c0) = (DispatchTime.now().uptimeNanoseconds, cpuSeconds())
        table = try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil)
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpu.append(cpuSeconds() - c0)
        print("run \(run): \(String(format: "%.4f", seconds.last!)) s (CPU \(String(format: "%.4f", cpu.last!)) s)")
    }
    let rows = table!.report.steps.first!.rowsIn
    let m = median(seconds)
    print("ingest \(path): \(rows) rows -> \(table!.count) customers; median \(String(format: "%.4f", m)) s of \(runs) runs "
          + "(CPU \(String(format: "%.4f", median(cpu))) s; \(String(format: "%.1f", Double(rows) / m / 1e6)) M rows/s)")
}
