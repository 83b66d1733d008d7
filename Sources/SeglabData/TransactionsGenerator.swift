import Foundation
import SeglabNumerics

/// Writes a realistic order export with the columns of UCI Online Retail (`InvoiceNo,
/// StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country`) for a number of
/// customers — the test bed for ingest at scale (1,000,000 customers ≈ 19.1 million rows, 1.56 GB).
///
/// What it models: five customer segments (occasional 40 %, regular 25 %, new 20 %, loyal 10 %,
/// wholesale 5 %) with heavy-tailed orders per customer and lines per order; a product
/// catalogue with skewed popularity (weight 1/(rank + 10)) and fixed prices; orders over one
/// year (2010-12-01 to 2011-12-09) written in time order with increasing invoice numbers; per
/// order, sometimes a later cancellation (`C` + invoice number, negative quantities) of some of
/// its lines. And the quirks of real exports: guest orders without a customer id, exact
/// duplicate lines, free lines (price 0), descriptions with commas and doubled quotes (so
/// quoted fields), a country name with a comma.
///
/// The bytes are a pure function of (customers, seed): every draw comes from xoshiro256**
/// generators seeded per customer and per order, with integer and + − × ÷ arithmetic only (no
/// libm), so the file is the same on every machine.
///
///     try TransactionsGenerator.write(customers: 1_000, seed: 7, to: "orders.csv")
public enum TransactionsGenerator {
    public static let header = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"

    /// The first day (2010-12-01) and the number of days covered.
    static let firstDay: Int32 = 14_944, days = 374

    private struct Segment {
        var share: Double
        /// Mean orders and mean lines per order; where the first order falls (fraction of the year).
        var orders: Double, lines: Double, firstFrom: Double, firstTo: Double
        var returnChance: Double, bulk: Bool
    }

    private static let segments: [Segment] = [
        Segment(share: 0.40, orders: 1.5, lines: 4, firstFrom: 0, firstTo: 1, returnChance: 0.03, bulk: false),    // occasional
        Segment(share: 0.25, orders: 5, lines: 4, firstFrom: 0, firstTo: 0.5, returnChance: 0.05, bulk: false),    // regular
        Segment(share: 0.20, orders: 1.3, lines: 3, firstFrom: 0.83, firstTo: 1, returnChance: 0.02, bulk: false),   // new
        Segment(share: 0.10, orders: 8, lines: 6, firstFrom: 0, firstTo: 0.25, returnChance: 0.06, bulk: false),     // loyal
        Segment(share: 0.05, orders: 14, lines: 8, firstFrom: 0, firstTo: 0.2, returnChance: 0.12, bulk: true),      // wholesale
    ]

    private static let countries = ["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium",
                                    "Switzerland", "Portugal", "Australia", "Norway", "Italy", "Channel Islands",
                                    "Finland", "Cyprus", "Sweden", "Denmark", "Japan", "Korea, Republic of", "USA"]

    private static let words = ["WHITE", "RED", "BLUE", "PINK", "GREEN", "VINTAGE", "HEART", "HANGING", "T-LIGHT",
                                "HOLDER", "LANTERN", "METAL", "CREAM", "CUPID", "COAT", "HANGER", "KNITTED", "UNION",
                                "FLAG", "HOT", "WATER", "BOTTLE", "JUMBO", "BAG", "RETROSPOT", "LUNCH", "BOX", "SET",
                                "OF", "3", "CAKE", "CASES", "PAPER", "CHAIN", "KIT", "CHRISTMAS", "GLASS", "STAR",
                                "FROSTED", "CANDLE", "WOODEN", "FRAME", "ANTIQUE", "REGENCY", "TEACUP", "SAUCER",
                                "SPACEBOY", "DOLLY", "GIRL", "ALARM", "CLOCK", "BAKELIKE", "PARTY", "BUNTING", "MUG"]

    /// A generator for entity `index` of `domain` (customers, orders, products …).
    @inline(__always)
    private static func generator(_ seed: UInt64, _ domain: UInt64, _ index: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: seed ^ (domain &* 0xD6E8_FEB8_6659_FD93) ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    }

    /// A draw from a heavy-tailed distribution on [0, 9) with mean 1 (1/u shaped).
    @inline(__always)
    private static func heavy(_ rng: inout Xoshiro256StarStar) -> Double {
        (1 / (0.9 * rng.nextDouble() + 0.1) - 1) / 1.5584
    }

    private struct Product {
        var code: [UInt8], description: [UInt8], pence: Int
    }

    private static func catalogue(size: Int, seed: UInt64) -> (products: [Product], cumulative: [Double]) {
        var products = [Product]()
        var cumulative = [Double]()
        var total = 0.0
        for r in 0 ..< size {
            var rng = generator(seed, 1, r)
            let suffix = r % 5 == 0 ? String(UnicodeScalar(UInt8(65 + r / 5 % 26))) : ""
            let code = "\(20_000 + r)\(suffix)"
            var text = (0 ..< 2 + rng.nextInt(below: 3)).map { _ in words[rng.nextInt(below: words.count)] }
            if r % 13 == 0 { text[0] += "," }           // a comma: the field gets quoted
            if r % 97 == 0 { text.insert("12\"", at: 0) }  // an inch mark: quoted, the quote doubled
            var description = [UInt8]()
            appendField(text.joined(separator: " "), to: &description)
            products.append(Product(code: Array(code.utf8), description: description, pence: 29 + Int(400 * heavy(&rng))))
            total += 1 / Double(r + 10)
            cumulative.append(total)
        }
        return (products, cumulative)
    }

    /// `text` as a CSV field, quoted when needed.
    private static func appendField(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 }) else { out += bytes; return }
        out.append(0x22)
        for b in bytes {
            if b == 0x22 { out.append(0x22) }
            out.append(b)
        }
        out.append(0x22)
    }

    /// One invoice (an order, or the cancellation of some of an order's lines), by time.
    private struct Invoice {
        var minute: Int32
        /// Customer number, or -1 for a guest order.
        var customer: Int32
        /// The order's number for its customer (or the guest order's number).
        var order: Int32
        var isReturn: Bool
    }

    /// Writes the file; returns the number of data rows.
    @discardableResult
    public static func write(customers: Int, seed: UInt64, to path: String) throws -> Int {
        precondition(customers >= 1)
        let (products, cumulative) = catalogue(size: max(500, min(20_000, 3_000 + customers / 250)), seed: seed)
        var segmentOf = [UInt8](repeating: 0, count: customers), countryOf = segmentOf
        var invoices = [Invoice]()
        invoices.reserveCapacity(customers * 5)
        let minutesPerDay = 24 * 60, span = Double(days - 1)
        for c in 0 ..< customers {
            var rng = generator(seed, 2, c)
            let u = rng.nextDouble()
            var s = 0, acc = segments[0].share
            while u >= acc, s < segments.count - 1 { s += 1; acc += segments[s].share }
            let seg = segments[s]
            segmentOf[c] = UInt8(s)
            countryOf[c] = rng.nextDouble() < 0.88 ? 0 : UInt8(1 + rng.nextInt(below: countries.count - 1))
            let orders = 1 + Int((seg.orders - 1) * heavy(&rng) + rng.nextDouble())
            var day = (seg.firstFrom + (seg.firstTo - seg.firstFrom) * rng.nextDouble()) * span
            let gap = (span - day) / Double(orders)
            for o in 0 ..< orders {
                guard day <= span else { break }
                let minute = Int32(Int(day) * minutesPerDay + (8 + rng.nextInt(below: 12)) * 60 + rng.nextInt(below: 60))
                invoices.append(Invoice(minute: minute, customer: Int32(c), order: Int32(o), isReturn: false))
                if rng.nextDouble() < seg.returnChance {
                    let later = minute + Int32((1 + rng.nextInt(below: 30)) * minutesPerDay)
                    if later < Int32(days * minutesPerDay) {
                        invoices.append(Invoice(minute: later, customer: Int32(c), order: Int32(o), isReturn: true))
                    }
                }
                day += gap * (0.3 + 1.4 * rng.nextDouble())
            }
        }
        // Guest checkouts: no customer id.
        for g in 0 ..< customers / 10 {
            var rng = generator(seed, 3, g)
            let minute = Int32(rng.nextInt(below: days) * minutesPerDay + (8 + rng.nextInt(below: 12)) * 60 + rng.nextInt(below: 60))
            invoices.append(Invoice(minute: minute, customer: -1, order: Int32(g), isReturn: false))
        }
        invoices.sort { a, b in
            (a.minute, a.customer, a.order, a.isReturn ? 1 : 0) < (b.minute, b.customer, b.order, b.isReturn ? 1 : 0)
        }

        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw DataError(file: path, "cannot write the file")
        }
        defer { try? handle.close() }
        var out = [UInt8]()
        out.reserveCapacity(1 << 22)
        out += Array((header + "\n").utf8)
        var rows = 0
        var dateText = [UInt8](), lastMinute: Int32 = -1
        for (k, inv) in invoices.enumerated() {
            if inv.minute != lastMinute { dateText = isoDateTime(inv.minute); lastMinute = inv.minute }
            let number = 536_365 + k
            let guest = inv.customer < 0
            let seg = guest ? segments[0] : segments[Int(segmentOf[Int(inv.customer)])]
            // The order's lines, from its own generator (a cancellation regenerates them).
            var rng = guest ? generator(seed, 4, Int(inv.order)) : generator(seed, 5, Int(inv.customer) << 20 | Int(inv.order))
            let lineCount = 1 + Int((seg.lines - 1) * heavy(&rng) + rng.nextDouble())
            var lines = [(product: Int, quantity: Int, pence: Int)]()
            for _ in 0 ..< lineCount {
                let target = rng.nextDouble() * cumulative[cumulative.count - 1]
                var lo = 0, hi = cumulative.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] < target { lo = mid + 1 } else { hi = mid } }
                let quantity = seg.bulk ? 12 * (1 + rng.nextInt(below: 4)) : 1 + Int(6 * rng.nextDouble() * rng.nextDouble())
                let pence = rng.nextDouble() < 0.001 ? 0 : products[lo].pence
                lines.append((lo, quantity, pence))
            }
            var emitted = lines.indices.map { $0 }
            if inv.isReturn {
                var pick = generator(seed, 6, Int(inv.customer) << 20 | Int(inv.order))
                emitted = Array(lines.indices.filter { _ in pick.nextDouble() < 0.5 }.prefix(2))
                if emitted.isEmpty { emitted = [pick.nextInt(below: lines.count)] }
            }
            let country = guest ? 0 : Int(countryOf[Int(inv.customer)])
            for i in emitted {
                let line = lines[i]
                // Now and then an export repeats a line exactly.
                let copies = rng.nextDouble() < 0.005 ? 2 : 1
                for _ in 0 ..< copies {
                    if inv.isReturn { out.append(UInt8(ascii: "C")) }
                    appendInt(number, to: &out); out.append(0x2C)
                    out += products[line.product].code; out.append(0x2C)
                    out += products[line.product].description; out.append(0x2C)
                    appendInt(inv.isReturn ? -line.quantity : line.quantity, to: &out); out.append(0x2C)
                    out += dateText; out.append(0x2C)
                    appendInt(line.pence / 100, to: &out); out.append(0x2E)
                    out.append(UInt8(48 + line.pence / 10 % 10)); out.append(UInt8(48 + line.pence % 10)); out.append(0x2C)
                    if !guest { appendInt(12_346 + Int(inv.customer), to: &out) }
                    out.append(0x2C)
                    appendField(countries[country], to: &out)
                    out.append(0x0A)
                    rows += 1
                }
            }
            if out.count >= 1 << 22 {
                try handle.write(contentsOf: out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: out)
        return rows
    }

    private static func appendInt(_ v: Int, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        var m = v.magnitude
        var digits = [UInt8]()
        repeat { digits.append(UInt8(48 + m % 10)); m /= 10 } while m > 0
        out += digits.reversed()
    }

    /// `yyyy-mm-ddThh:mm:00` of a minute since the first day.
    private static func isoDateTime(_ minute: Int32) -> [UInt8] {
        let day = firstDay + minute / Int32(24 * 60), m = Int(minute) % (24 * 60)
        return Array("\(DateParser.text(day))T\(String(format: "%02d:%02d", m / 60, m % 60)):00".utf8)
    }
}
