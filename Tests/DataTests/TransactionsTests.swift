import Dispatch
import Foundation
import XCTest
@testable import SeglabData

/// SPEC §5 on small hand-computed transaction logs, and bad input in them.
final class TransactionsTests: XCTestCase {
    static let retailHeader = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    /// Line numbers in the comments; c3 has only a return, line 5 copies line 3.
    static let retail = retailHeader + """
        1001,A,"Mug, red",2,2011-01-01T10:00:00,3.0,c1,UK
        1001,B,Plate,1,2011-01-01T10:00:00,5.0,c1,UK
        1002,A,"Mug, red",1,2011-01-05 09:00,3.0,c2,UK
        1001,B,Plate,1,2011-01-01T10:00:00,5.0,c1,UK
        1003,C,Lamp,4,2011-01-10,2.5,c1,UK
        C1004,A,"Mug, red",-1,2011-01-12,3.0,c1,UK
        1005,D,Free,1,2011-01-12,0.0,c2,UK
        1006,A,Mug,3,2011-01-13,3.0,,UK
        C1007,B,Plate,-2,2011-01-14,5.0,c3,UK
        1008,A,Mug,1,2011-01-20,3.0,c2,UK
        1008,B,Plate,1,2011-01-20,5.0,c2,UK
        1009,A,Mug,2,2011-01-20,3.0,c2,UK

        """

    private func retailSource(_ path: String, asOf: String? = nil, dateFormat: String? = nil) -> TransactionsCSVSource {
        TransactionsCSVSource(path: path, customer: "CustomerID", date: "InvoiceDate", quantity: "Quantity",
                              unitPrice: "UnitPrice", invoice: "InvoiceNo", product: "StockCode", asOf: asOf, dateFormat: dateFormat)
    }

    private func load(_ text: String, cleaning: CleaningRules = CleaningRules(), asOf: String? = nil) throws -> CustomerTable {
        try DataLoader.load(.transactionsCSV(retailSource(TempFiles.write(text), asOf: asOf)), cleaning: cleaning, usedColumns: nil)
    }

    private func features(_ t: CustomerTable, _ id: String) -> [String: Double] {
        let i = t.ids.firstIndex(of: id)!
        return Dictionary(uniqueKeysWithValues: t.numericNames.enumerated().map { ($0.element, t.numeric[i, $0.offset]) })
    }

    func testFeaturesAndDefaultCleaning() throws {
        let t = try load(Self.retail)
        XCTAssertEqual(t.numericNames, CustomerFeatures.names)
        XCTAssertEqual(t.ids, ["c1", "c2"], "order of first rows; c3 has no purchase")
        XCTAssertEqual(features(t, "c1"), ["recency_days": 11, "frequency": 2, "monetary": 21, "tenure_days": 20, "avg_basket": 10.5,
                                           "distinct_products": 3, "return_rate": 3.0 / 21, "days_between_orders": 9])
        XCTAssertEqual(features(t, "c2"), ["recency_days": 1, "frequency": 3, "monetary": 17, "tenure_days": 16, "avg_basket": 17.0 / 3,
                                           "distinct_products": 2, "return_rate": 0, "days_between_orders": 15])
        XCTAssertEqual(t.report.source, "transactions_csv")
        XCTAssertEqual(t.report.steps.map { "\($0.step):\($0.rowsIn)>\($0.rowsOut)" },
                       ["read:12>12", "missing customer id:12>11", "duplicates:11>10", "non-positive price:10>9",
                        "aggregate:9>3", "no purchase:3>2"])
        for (a, b) in zip(t.report.steps, t.report.steps.dropFirst()) { XCTAssertEqual(a.rowsOut, b.rowsIn, "steps add up") }
        XCTAssertEqual(t.report.customers, 2)
    }

    /// The file is streamed: tiny blocks (records, quotes and duplicates straddling every
    /// boundary; duplicates confirmed by reading the earlier row again) give the same table.
    func testStreamedInTinyBlocksGivesTheSameCustomers() throws {
        let path = TempFiles.write(Self.retail)
        let reference = try TransactionsLoader.load(retailSource(path), cleaning: CleaningRules())
        for blockSize in [1, 3, 16] {
            let streamed = try TransactionsLoader.load(retailSource(path), cleaning: CleaningRules(), blockSize: blockSize)
            XCTAssertEqual(streamed.table, reference.table, "block \(blockSize)")
            XCTAssertEqual(streamed.fingerprint, reference.fingerprint)
        }
        XCTAssertEqual(reference.table.report.steps.first { $0.step == "duplicates" }?.rowsOut, 10, "line 5 copies line 3")
    }

    func testAsOfAndCleaningOptions() throws {
        XCTAssertEqual(features(try load(Self.retail, asOf: "2011-02-01"), "c1")["recency_days"], 22)
        XCTAssertDataError(try load(Self.retail, asOf: "2011-01-15"), row: nil, column: "as_of", "before the last purchase (2011-01-20)")
        XCTAssertDataError(try load(Self.retail, asOf: "2011/02/01"), row: nil, column: "as_of", "is not a yyyy-mm-dd date")

        let excluded = try load(Self.retail, cleaning: CleaningRules(cancellations: .exclude))
        XCTAssertEqual(features(excluded, "c1")["return_rate"], 0)
        XCTAssertEqual(excluded.report.steps.map(\.step).suffix(3), ["returns excluded", "aggregate", "no purchase"])
        XCTAssertEqual(excluded.report.steps.first { $0.step == "returns excluded" }.map { [$0.rowsIn, $0.rowsOut] }, [9, 7])

        let kept = try load(Self.retail, cleaning: CleaningRules(duplicates: .keep))
        XCTAssertEqual(features(kept, "c1")["monetary"], 26, "the copied row counts when duplicates are kept")
        XCTAssertEqual(features(kept, "c1")["frequency"], 2)
        XCTAssertFalse(kept.report.steps.contains { $0.step == "duplicates" })
    }

    func testAmountWithoutInvoiceOrProduct() throws {
        let path = TempFiles.write("cust,day,qty,amt\n7,1997-01-01,1,10.00\n7,1997-01-01,2,20.00\n8,1997-01-03,1,0.00\n8,1997-02-03,1,-5.00\n7,1997-03-01,1,12.50\n8,1997-01-04,1,5.00\n")
        let source = TransactionsCSVSource(path: path, customer: "cust", date: "day", quantity: "qty", amount: "amt")
        let t = try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil)
        XCTAssertEqual(t.ids, ["7", "8"])
        XCTAssertEqual(features(t, "7"), ["recency_days": 1, "frequency": 3, "monetary": 42.5, "tenure_days": 60, "avg_basket": 42.5 / 3,
                                          "distinct_products": 0, "return_rate": 0, "days_between_orders": 59])
        XCTAssertEqual(features(t, "8"), ["recency_days": 57, "frequency": 1, "monetary": 5, "tenure_days": 57, "avg_basket": 5,
                                          "distinct_products": 0, "return_rate": 1, "days_between_orders": 0])
    }

    func testBOMCRLFAndQuotedIds() throws {
        let text = "\u{FEFF}cust,day,qty,amt\r\n\"a \"\"x\"\", b\",2011-01-01,1,5\r\nplain,2011-01-02,1,7\r\n\"a \"\"x\"\", b\",2011-01-03,2,4\r\n"
        let source = TransactionsCSVSource(path: TempFiles.write(text), customer: "cust", date: "day", quantity: "qty", amount: "amt")
        let t = try DataLoader.load(.transactionsCSV(source), cleaning: CleaningRules(), usedColumns: nil)
        XCTAssertEqual(t.ids, ["a \"x\", b", "plain"])
        XCTAssertEqual(features(t, "a \"x\", b")["monetary"], 9)
        XCTAssertEqual(features(t, "a \"x\", b")["days_between_orders"], 2)
    }

    func testDateFormat() throws {
        let path = TempFiles.write(Self.retailHeader + "1,A,x,1,12/9/2011 8:05,2.0,c1,UK\n2,A,x,1,1/10/2011 17:30,2.0,c1,UK\n")
        let t = try DataLoader.load(.transactionsCSV(retailSource(path, dateFormat: "%m/%d/%Y %H:%M")), cleaning: CleaningRules(), usedColumns: nil)
        XCTAssertEqual(features(t, "c1")["tenure_days"], 334)  // 2011-01-10 .. as_of 2011-12-10
        XCTAssertDataError(try DataLoader.load(.transactionsCSV(retailSource(path)), cleaning: CleaningRules(), usedColumns: nil),
                           row: 2, column: "InvoiceDate", "'12/9/2011 8:05' is not a valid date (expected ISO 8601")
        XCTAssertDataError(try DataLoader.load(.transactionsCSV(retailSource(path, dateFormat: "%d.%j")), cleaning: CleaningRules(), usedColumns: nil),
                           row: nil, column: "InvoiceDate", "'%j' is not supported")
    }

    func testOutliersOnAggregatedFeatures() throws {
        var rows = Self.retailHeader
        for c in 0 ..< 9 { rows += "\(c),A,x,1,2011-01-0\(c + 1),10,k\(c),UK\n" }
        rows += "9,A,x,1000,2011-01-09,10,k9,UK\n"
        let clip = try load(rows, cleaning: CleaningRules(outliers: OutlierRule(method: .iqr(factor: 1.5), action: .clip)))
        XCTAssertEqual(clip.count, 10)
        XCTAssertEqual(features(clip, "k9")["monetary"], 10, "clipped to Q3 + 1.5 IQR = 10")
        XCTAssertEqual(clip.report.steps.last?.step, "outliers")
        let drop = try DataLoader.load(.transactionsCSV(retailSource(TempFiles.write(rows))),
                                       cleaning: CleaningRules(outliers: OutlierRule(method: .iqr(factor: 1.5), action: .drop)),
                                       usedColumns: ["monetary"])
        XCTAssertEqual(drop.ids, (0 ..< 9).map { "k\($0)" })
        XCTAssertEqual(drop.report.customers, 9)
    }

    // MARK: - Bad input

    func testMalformedTransactionFiles() {
        func load(_ text: String, _ edit: (inout TransactionsCSVSource) -> Void = { _ in }) throws -> CustomerTable {
            var s = retailSource(TempFiles.write(text))
            edit(&s)
            return try DataLoader.load(.transactionsCSV(s), cleaning: CleaningRules(), usedColumns: nil)
        }
        let good = "1,A,x,1,2011-01-01,2.0,c1,UK\n"
        XCTAssertDataError(try load(Self.retail) { $0.quantity = "Qty" }, row: 1, column: "Qty", "no column named 'Qty' (the quantity column)")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,x,1,2011-13-01,2.0,c1,UK\n"),
                           row: 3, column: "InvoiceDate", "'2011-13-01' is not a valid date")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,x,1,,2.0,,UK\n"),
                           row: 3, column: "InvoiceDate", "is empty; a date is required")
        XCTAssertDataError(try load(Self.retailHeader + good + good + "2,A,x,two,2011-01-01,2.0,c1,UK\n"),
                           row: 4, column: "Quantity", "'two' is not a number")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,x,1,2011-01-01,NaN,,UK\n"),
                           row: 3, column: "UnitPrice", "'NaN' is not a finite number")
        XCTAssertDataError(try load(Self.retailHeader + good + "3,A,x,1,2011-01-01,-inf,c1,UK\n"),
                           row: 3, column: "UnitPrice", "not a finite number")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,x,1,2011-01-01,,c1,UK\n"),
                           row: 3, column: "UnitPrice", "is empty; a number is required")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,x,1"), row: 3, column: "InvoiceDate", "truncated line?")
        XCTAssertDataError(try load(Self.retailHeader + good + "2,A,\"x,1,2011-01-01,2.0,c1,UK\n"), row: 3, column: "Description", "never closed")
        XCTAssertDataError(try load(""), row: 1, column: nil, "the file is empty")
        XCTAssertDataError(try load(Self.retailHeader), row: 2, column: nil, "has a header but no transaction rows")
        let utf16 = TempFiles.utf16(Self.retailHeader + good)
        XCTAssertDataError(try DataLoader.load(.transactionsCSV(retailSource(TempFiles.write(utf16))), cleaning: CleaningRules(), usedColumns: nil),
                           row: nil, column: nil, "is not UTF-8 (looks like UTF-16")
        XCTAssertDataError(try load(Self.retailHeader + "1,A,x,1,2011-01-01,2.0,,UK\n"), row: nil, column: nil, "no customer has a purchase left")
        XCTAssertDataError(try load(Self.retail) { $0.amount = "UnitPrice" }, row: nil, column: nil, "exactly one of unit_price and amount")
    }

    func testCandidateColumnsChecksTheHeader() throws {
        let path = TempFiles.write(Self.retail)
        XCTAssertEqual(try DataLoader.candidateColumns(.transactionsCSV(retailSource(path))).numeric, CustomerFeatures.names)
        var bad = retailSource(path)
        bad.product = "SKU"
        XCTAssertDataError(try DataLoader.candidateColumns(.transactionsCSV(bad)), row: 1, column: "SKU", "no column named 'SKU'")
        XCTAssertDataError(try DataLoader.load(.transactionsCSV(retailSource(path)), cleaning: CleaningRules(), usedColumns: ["recency"]),
                           row: nil, column: "recency", "is not a customer feature")
    }

    /// Rows go from the parsing thread to the aggregating one in batches of
    /// `TransactionsLoader.batchRows`: over several batches (invoices shared by customers and
    /// split across batch boundaries, copies of rows whole batches back, returns), every
    /// customer's features equal a plain computation over the rows in file order, bit for bit;
    /// a bad row in a later batch is reported at its line, after which the parser has stopped.
    func testManyBatchesMatchAPlainComputation() throws {
        let n = 3 * TransactionsLoader.batchRows + 57
        var lines: [String] = []
        for i in 0 ..< n {
            if i >= 3000, i % 500 == 0 { lines.append(lines[i - 3000 + 7]); continue }  // a copy from batches back
            let ret = i % 37 == 0
            // Pairs of rows share a customer, threes an invoice, fours a day: runs of one
            // customer, invoice and day start and stop at every kind of change.
            lines.append("\(ret ? "C" : "")\(i / 3),P\(i % 13),\"x, y\",\(ret ? -1 : 1 + i % 4),2011-01-\(10 + (i + 1) / 4 % 19)T10:00:00,"
                         + "\(["1.5", "0.25", "2", "0", "3"][i % 5]),\(i % 11 == 0 ? "" : "k\(i / 2 * 7 % 997)"),UK")
        }
        // The plain computation: rows in file order, sets for everything distinct.
        var seen = Set<String>(), order: [String] = [], copies = 0
        struct Expect { var monetary = 0.0, returned = 0.0, first = Int.max, last = Int.min
                        var invoices = Set<String>(), products = Set<String>(), days = Set<Int>() }
        var expect: [String: Expect] = [:]
        for line in lines {
            let f = line.replacingOccurrences(of: "\"x, y\"", with: "xy").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let customer = f[6]
            guard !customer.isEmpty else { continue }
            if expect[customer] == nil { expect[customer] = Expect(); order.append(customer) }
            guard seen.insert(line).inserted else { copies += 1; continue }
            let quantity = Double(f[3])!, price = Double(f[5])!, day = Int(f[4].dropFirst(8).prefix(2))!
            let isReturn = f[0].hasPrefix("C") || quantity < 0
            if isReturn { expect[customer]!.returned += abs(quantity * price); continue }
            guard quantity * price > 0 else { continue }
            expect[customer]!.monetary += quantity * price
            expect[customer]!.first = min(expect[customer]!.first, day); expect[customer]!.last = max(expect[customer]!.last, day)
            expect[customer]!.invoices.insert(f[0]); expect[customer]!.products.insert(f[1]); expect[customer]!.days.insert(day)
        }
        let path = TempFiles.write(Self.retailHeader + lines.joined(separator: "\n") + "\n")
        let t = try DataLoader.load(.transactionsCSV(retailSource(path, asOf: "2011-02-01")), cleaning: CleaningRules(), usedColumns: nil)
        let buyers = order.filter { !expect[$0]!.invoices.isEmpty }
        XCTAssertEqual(t.ids, buyers)
        XCTAssertEqual(t.report.steps.first { $0.step == "duplicates" }.map { $0.rowsIn - $0.rowsOut }, copies)
        XCTAssertGreaterThan(copies, 4)
        for id in buyers {
            let e = expect[id]!, f = Double(e.invoices.count)
            XCTAssertEqual(features(t, id), ["recency_days": Double(32 - e.last), "frequency": f, "monetary": e.monetary,
                                             "tenure_days": Double(32 - e.first), "avg_basket": e.monetary / f,
                                             "distinct_products": Double(e.products.count), "return_rate": e.returned / e.monetary,
                                             "days_between_orders": e.days.count > 1 ? Double(e.last - e.first) / Double(e.days.count - 1) : 0], id)
        }

        var bad = lines
        bad[n - 100] = bad[n - 100].replacingOccurrences(of: "2011-01-", with: "2011-13-")
        let badPath = TempFiles.write(Self.retailHeader + bad.joined(separator: "\n") + "\n")
        for blockSize in [TransactionsLoader.blockSize, 4096] {
            XCTAssertDataError(try TransactionsLoader.load(retailSource(badPath), cleaning: CleaningRules(), blockSize: blockSize),
                               row: n - 100 + 2, column: "InvoiceDate", "is not a valid date")
        }
    }

    /// Many loads at once from Dispatch's pool (as a grid's workers could start them), each
    /// with its own parsing thread, all give the same table as one load alone.
    func testLoadsFromEveryPoolThreadAtOnce() throws {
        let source = retailSource(TempFiles.write(Self.retail))
        let reference = try TransactionsLoader.load(source, cleaning: CleaningRules()).table
        let loads = 4 * ProcessInfo.processInfo.activeProcessorCount
        nonisolated(unsafe) var tables = [CustomerTable?](repeating: nil, count: loads)
        tables.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: loads) { i in
                out[i] = try? TransactionsLoader.load(source, cleaning: CleaningRules(), blockSize: 16).table
            }
        }
        XCTAssertEqual(tables, [CustomerTable?](repeating: reference, count: loads))
    }
}
