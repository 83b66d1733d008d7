import Foundation
import SeglabTestSupport

/// Seed inputs and dictionaries of the fuzzers: valid files that reach every branch of the
/// parsers (every experiment key, every CSV quoting rule), and the tokens that break parsers.
enum FuzzCorpus {
    // MARK: experiment files

    /// Valid experiment files: the shipped examples plus ones using every key of SPEC §1.
    /// Their data paths are relative (`c.csv`, `t.csv`), so the CLI fuzzer can give them files.
    static let experiments: [[UInt8]] = {
        var seeds = [
            #"""
            {"name": "fuzz", "seed": 7, "replicates": 2,
             "data": {"customers_csv": {"path": "c.csv", "id": "id", "truth": "segment"}},
             "clean": {"missing": "median", "duplicates": "keep",
                       "outliers": {"method": "quantile", "lower": 0.01, "upper": 0.99, "action": "drop"}},
             "feature_sets": {
               "base": {"columns": ["recency", "frequency", "monetary"], "log1p": ["frequency", "monetary"], "scale": "robust"},
               "Wide-1": {"columns": ["recency", "frequency", "monetary", "tenure"], "onehot": ["channel"],
                          "scale": "minmax", "pca": {"components": 2}}
             },
             "algorithms": {"kmeans": {"k": {"from": 2, "to": 4, "step": 1}, "init": ["k-means++", "random"],
                                       "n_init": [1, 3], "max_iter": 50, "tol": {"from": 0.0001, "to": 0.0003, "step": 0.0001}}},
             "metrics": {"silhouette": {"sample": 500, "scope": "feature_set"}}}
            """#,
            #"""
            {"name": "tx_amount", "seed": 9223372036854775807,
             "data": {"transactions_csv": {"path": "t.csv", "customer": "customer", "date": "day", "quantity": "qty",
                                           "amount": "amount", "date_format": "%m/%d/%Y %H:%M", "as_of": "2012-01-01"}},
             "clean": {"missing": "drop", "cancellations": "exclude", "outliers": {"method": "zscore", "limit": 3, "action": "clip"}},
             "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary", "days_between_orders"],
                                      "log1p": ["monetary"], "scale": "none", "pca": {"variance": 0.9}}},
             "algorithms": {"kmeans": {"k": [2, 3], "tol": [1e-4, 0.001, 1]}}}
            """#,
            #"""
            {"name": "tx-retail", "seed": 0,
             "data": {"transactions_csv": {"path": "r.csv", "customer": "CustomerID", "invoice": "InvoiceNo",
                                           "date": "InvoiceDate", "quantity": "Quantity", "unit_price": "UnitPrice",
                                           "product": "StockCode"}},
             "clean": {"outliers": null},
             "algorithms": {"kmeans": {"k": 2}}}
            """#,
            #"""
            {"name": "syn", "seed": 1, "data": {"synthetic": {"customers": 300, "segments": 3, "seed": 2}},
             "feature_sets": {"all": {}}, "algorithms": {"kmeans": {"k": [2, 3], "init": "random", "n_init": 2}},
             "metrics": {}}
            """#,
        ].map { Array($0.utf8) }
        let folder = SharedFixtures.packageRoot.appendingPathComponent("experiments")
        for name in ["quickstart.json", "online_retail.json", "cdnow.json"] {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) { seeds.append([UInt8](data)) }
        }
        return seeds
    }()

    /// Keys, values and JSON syntax the experiment fuzzer splices in.
    static let experimentDictionary: [[UInt8]] = {
        let words = ["{", "}", "[", "]", ":", ",", "\"", "\\", "\\\"", "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\n",
                     "null", "true", "false", "0", "-0", "-1", "1.5", "0.1", "1e400", "-1e400", "1e-400", "1E+2", "01",
                     "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999",
                     "1.7976931348623157e308", "5e-324", "NaN", "Infinity", "\"name\"", "\"seed\"", "\"replicates\"",
                     "\"data\"", "\"synthetic\"", "\"customers_csv\"", "\"transactions_csv\"", "\"path\"", "\"id\"",
                     "\"truth\"", "\"clean\"", "\"missing\"", "\"outliers\"", "\"method\"", "\"feature_sets\"",
                     "\"columns\"", "\"log1p\"", "\"onehot\"", "\"scale\"", "\"pca\"", "\"components\"", "\"variance\"",
                     "\"algorithms\"", "\"kmeans\"", "\"k\"", "\"from\"", "\"to\"", "\"step\"", "\"tol\"", "\"metrics\"",
                     "\"silhouette\"", "\"sample\"", "\"date_format\"", "\"%Y-%m-%d\"", "\"%\"", "\"as_of\"",
                     "\"2011-02-29\"", "{\"from\": 2, \"to\": 100000}", "{\"from\": 0.1, \"to\": 0.3, \"step\": 0.1}",
                     "\"" + String(repeating: "a", count: 300) + "\"", "\"é\"", "\"\u{2028}\"", "\"\u{1B}[2J\"",
                     " ", "\t", "\r\n", "\u{FEFF}"]
        return words.map { Array($0.utf8) } + commonBytes
    }()

    // MARK: CSV files

    /// customers_csv seeds: header `id,segment,recency,frequency,monetary,tenure,channel`.
    static let customers: [[UInt8]] = [
        #"""
        id,segment,recency,frequency,monetary,tenure,channel
        c1,a,10,2,120.5,300,web
        c2,b,3,7,990,1200,"store, north"
        c3,a,45,1,15.25,45,web
        "c4",b,7,,310,800,"say ""hi"""
        c5,c,0.5,12,2.5e3,2000,phone
        c6,c,120,1,-0,130,
        c2,b,3,7,990,1200,"store, north"
        c7,a,8,3,77,"400","multi
        line"

        """#,
        "\u{FEFF}id,segment,recency,frequency,monetary,tenure,channel\r\nc1,a,1,2,3,4,x\r\nc2,b,5,6,7,8,y\r\nc3,a,9,10,11,12,x\r\n",
        "id,recency,frequency,monetary\nc1,1,2,3\nc2,2,3,4\nc3,3,4,5\nc4,,,\n",
    ].map { Array($0.utf8) }

    /// transactions_csv seeds, Online Retail layout then CDNOW-like (amount, date_format).
    static let retailTransactions: [[UInt8]] = [
        #"""
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        536365,85123A,"HOLDER, WHITE",6,2010-12-01T08:26:00,2.55,17850,United Kingdom
        536365,71053,LANTERN,6,2010-12-01T08:26:00,3.39,17850,United Kingdom
        536366,22633,"The ""big"" warmer",6,2010-12-01 08:28,1.85,17850,United Kingdom
        536365,71053,LANTERN,6,2010-12-01T08:26:00,3.39,17850,United Kingdom
        536367,84879,BIRD,32,2010-12-02,1.69,13047,United Kingdom
        C536379,D,Discount,-1,2010-12-03,27.5,14527,United Kingdom
        536380,22961,JAM JAR,24,2010-12-04,0.0,13047,France
        536381,22139,BOX,12,2010-12-05,4.25,,EIRE
        C536383,35004C,SET,-3,2010-12-06T09:49:00Z,4.65,15311,United Kingdom
        536384,82484,FRAME,4,2010-12-07T23:59:59.5+01:00,6.45,18074,United Kingdom

        """#,
    ].map { Array($0.utf8) }

    static let amountTransactions: [[UInt8]] = [
        "customer,day,qty,amount\r\n1,01/01/1997 10:00,2,29.33\r\n1,1/18/1997 9:5,1,11.77\r\n2,12/31/1997 23:59,5,-3\r\n3,02/29/1996 00:00,1,0.5\r\n",
    ].map { Array($0.utf8) }

    /// Cells and CSV syntax the CSV fuzzers splice in.
    static let csvDictionary: [[UInt8]] = {
        let words = ["\"", "\"\"", ",", ",,", "\r\n", "\r", "\n", "\n\n", "\"a,b\"", "\"x\ny\"", "1e400", "-1e400", "1e-400",
                     "NaN", "nan", "-inf", "Infinity", "+INF", "0", "-0", "-1", "0.1", ".5", "5.", "1e", "1e+", "--1",
                     "99999999999999999999999999", "1.7976931348623157e308", "-1.7976931348623157e308", "5e-324", "1,5",
                     "2011-01-01", "2011-02-29", "2012-02-29", "2011-13-01", "2011-01-01T24:00", "2011-01-01T10:00:00+25:00",
                     "12/31/2010 08:26", "1/2/3 4:5", "9999-12-31", "0000-01-01", "C", "C1004", "id", "segment", "recency",
                     "frequency", "monetary", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice", "InvoiceNo", "StockCode",
                     "customer", "day", "qty", "amount", " ", "\t", "é", "\u{FEFF}", "\u{2028}", "\u{1B}[2J"]
        return words.map { Array($0.utf8) } + commonBytes
    }()

    /// Encoding trouble for every format: BOMs, NUL, invalid and overlong UTF-8, surrogates.
    static let commonBytes: [[UInt8]] = [
        [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], [0xFF, 0xFE, 0x00, 0x00], [0x00], [0x00, 0x00], [0xFF], [0x80],
        [0xC0, 0x80], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98, 0x80],
        [0xCC, 0x81],
    ]
}
