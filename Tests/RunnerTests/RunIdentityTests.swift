import XCTest
import SeglabClustering
import SeglabTestSupport
@testable import SeglabRunner

final class RunIdentityTests: XCTestCase {
    func experiment(_ algorithms: String, seed: Int = 1, replicates: Int = 1, name: String = "t") throws -> PreparedExperiment {
        let text = #"{"name": "\#(name)", "seed": \#(seed), "replicates": \#(replicates), "data": {"synthetic": {"customers": 300, "segments": 3, "seed": 2}}, "algorithms": \#(algorithms)}"#
        return try ExperimentPlanner.prepare(try ExperimentParser.parse(bytes: Array(text.utf8), file: "e.json", directory: "/"))
    }

    func testGridIsTheCartesianProductInDeclarationOrder() throws {
        let p = try experiment(#"{"kmeans": {"k": [2, 3], "init": ["k-means++", "random"]}}"#, replicates: 2)
        XCTAssertEqual(p.runs.count, 8)
        XCTAssertEqual(p.runs.map { $0.parameters.int("k") }, [2, 2, 2, 2, 3, 3, 3, 3])
        XCTAssertEqual(p.runs.map(\.replicate), [0, 1, 0, 1, 0, 1, 0, 1])
        XCTAssertEqual(p.runs[2].parameters.int("n_init"), 10, "random init gets n_init 10 (scikit-learn's auto)")
        XCTAssertEqual(p.runs[0].parameters.int("n_init"), 1)
        XCTAssertEqual(Set(p.runs.map(\.key)).count, 8)
    }

    func testKeyIgnoresTheExperimentNameAndNumberSpelling() throws {
        let a = try experiment(#"{"kmeans": {"k": 3, "tol": 0.001}}"#, name: "a")
        let b = try experiment(#"{"kmeans": {"k": [3], "tol": 1e-3, "init": "k-means++", "max_iter": 300}}"#, name: "b")
        XCTAssertEqual(a.runs.map(\.key), b.runs.map(\.key))
        XCTAssertEqual(a.runs[0].id, String(a.runs[0].key.prefix(12)))
        XCTAssertEqual(a.runs[0].id.count, 12)
    }

    func testKeyAndSeedChangeWithTheExperimentSeedAndReplicate() throws {
        let a = try experiment(#"{"kmeans": {"k": 3}}"#, seed: 1, replicates: 2)
        let b = try experiment(#"{"kmeans": {"k": 3}}"#, seed: 2)
        XCTAssertNotEqual(a.runs[0].key, b.runs[0].key)
        XCTAssertNotEqual(a.runs[0].key, a.runs[1].key)
        XCTAssertNotEqual(a.runs[0].seed, a.runs[1].seed)
        XCTAssertLessThan(a.runs[0].seed, 1 << 63)
        XCTAssertEqual(a.runs[0].seed, UInt64(a.runs[0].key.prefix(16), radix: 16)! >> 1)
    }

    func testKAboveTheCustomerCountIsFoundBeforeAnyRun() {
        XCTAssertThrowsError(try experiment(#"{"kmeans": {"k": [3, 301]}}"#)) { e in
            let e = e as! ExperimentError
            XCTAssertEqual(e.path, "algorithms.kmeans.k")
            XCTAssertTrue(e.message.contains("above the number of customers after cleaning (300)"), e.message)
        }
    }

    func testRecipeRebuildsTheSameRun() throws {
        let p = try experiment(#"{"kmeans": {"k": [2, 4], "init": "random"}}"#, replicates: 3)
        let run = p.runs[5]
        let recipe = try RunRecipe(json: RunRecipe(run: run, experiment: p.experiment).json)
        let again = try ExperimentPlanner.prepare(try ExperimentParser.parse(
            bytes: try recipe.experimentJSON(name: "t"), file: "ledger", directory: "/"))
        XCTAssertTrue(again.runs.contains { $0.key == run.key })
    }

    /// The run key pinned to a value computed outside seglab, so a change to canonical JSON
    /// can never re-key ledgers silently. The document exercises integers, reals (shortest
    /// round trip, both sides of Python's positional/exponent switches at 1e-4 and 1e16, the
    /// extremes), non-ASCII and escaped strings, arrays, null, booleans, nested objects and
    /// key order by code point. Expected values from Python 3.11:
    ///
    ///     import hashlib, json
    ///     obj = json.loads(document)   # the text of `pinnedDocument`
    ///     canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ///     print(canonical)
    ///     print(hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    func testRunKeyIsPinnedToPythonsCanonicalJSON() throws {
        let config = try JSONParser.parse(Array(Self.pinnedDocument.utf8))
        XCTAssertEqual(JSONWriter.canonical(config), #"{"algorithm":{"kmeans":{"init":"k-means++","k":4,"max_iter":300,"n_init":10,"tol":0.0001}},"flags":[true,false],"ints":[0,-1,9223372036854775807,-9223372036854775808],"nested":{"Z":[[1,2.0],[null]],"a":"","é":{"Z":[],"a":{}},"日":0.5},"nothing":null,"reals":[0.1,1e-06,1.0,-0.0,2.5e-05,0.0001,123456.789,1e+16,9007199254740994.0,1.7976931348623157e+308,5e-324],"replicate":0,"seed":20261122,"strings":["café","日本語","😀","tab\tquote\"backslash\\slash/","\b\f\u0001\u001f"# + "\u{7F}\",\"\u{2028}\"]}")
        XCTAssertEqual(RunIdentity.key(of: config), "c517cb58c6a3b248709fb269abe3dd32c04dd8e05e4a00780da71f57df956796")
    }

    static let pinnedDocument = #"""
        {"seed": 20261122, "replicate": 0,
         "algorithm": {"kmeans": {"k": 4, "init": "k-means++", "n_init": 10, "max_iter": 300, "tol": 0.0001}},
         "reals": [0.1, 1e-06, 1.0, -0.0, 2.5e-05, 0.0001, 123456.789, 1e+16, 9007199254740994.0, 1.7976931348623157e+308, 5e-324],
         "ints": [0, -1, 9223372036854775807, -9223372036854775808],
         "strings": ["café", "日本語", "😀", "tab\tquote\"backslash\\slash/", "\b\f\u0001\u001f\u007f", "\u2028"],
         "nothing": null, "flags": [true, false],
         "nested": {"é": {"Z": [], "a": {}}, "Z": [[1, 2.0], [null]], "a": "", "日": 0.5}}
        """#

    /// The quickstart's first run keeps its key (and so its id and seed) across versions. The
    /// value is also what Python computes from the preimage SPEC §2 describes:
    ///
    ///     def canonical(o): return json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ///     def sha(s): return hashlib.sha256(s.encode("utf-8")).hexdigest()
    ///     source = {"customers": 20000, "segments": 5, "seed": 7}
    ///     fingerprint = sha(canonical({"synthetic": dict(source, sha256="")}))
    ///     sha(canonical({
    ///       "algorithm": {"kmeans": {"init": "k-means++", "k": 2, "max_iter": 300, "n_init": 1, "tol": 0.0001}},
    ///       "clean": {"cancellations": "returns", "duplicates": "drop", "missing": "error"},
    ///       "data": {"synthetic": dict(source, sha256=fingerprint)},
    ///       "feature_set": {"columns": ["recency_days", "frequency", "monetary", "tenure_days", "avg_basket",
    ///                                   "distinct_products", "return_rate", "days_between_orders"],
    ///                       "log1p": ["frequency", "monetary", "avg_basket", "distinct_products", "days_between_orders"],
    ///                       "onehot": [], "scale": "standard"},
    ///       "metrics": {"silhouette": {"sample": 20000, "scope": "feature_set"}},
    ///       "replicate": 0, "seed": 20261122}))
    func testQuickstartFirstRunKeyIsPinned() throws {
        let file = SharedFixtures.packageRoot.appendingPathComponent("experiments/quickstart.json").path
        let first = try ExperimentPlanner.prepare(ExperimentParser.load(path: file)).runs[0]
        XCTAssertEqual(first.key, "d9fbe55dde0ea7ac163dcec45f663fd5461da56a6729c2fbc0e250f11e1046cf")
        XCTAssertEqual(first.id, "d9fbe55dde0e")
        XCTAssertEqual(first.seed, 7_853_700_158_352_479_190)
    }
}
