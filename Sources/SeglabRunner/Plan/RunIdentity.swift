import Crypto
import Foundation
import SeglabClustering
import SeglabData

/// Run keys, ids and seeds (SPEC §2).
///
/// The key's preimage has the shape of an experiment file's sections, so a run can be
/// rebuilt from the ledger by the same parser that reads experiment files:
///
///     {"algorithm":{"kmeans":{"init":"k-means++","k":3,…}},"clean":{…},
///      "data":{"customers_csv":{"id":"id","sha256":"…","truth":"true"}},
///      "feature_set":{"columns":[…],"log1p":[…],"onehot":[],"scale":"standard"},
///      "metrics":{"silhouette":{"sample":20000}},"replicate":0,"seed":20261122}
public enum RunIdentity {
    public static func sha256Hex<D: DataProtocol>(_ data: D) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func key(of config: JSONValue) -> String {
        sha256Hex(Array(JSONWriter.canonical(config).utf8))
    }

    public static func id(ofKey key: String) -> String { String(key.prefix(12)) }

    /// The run seed derived from the key (which itself covers the experiment seed and the
    /// replicate index): the first 64 bits of the key, shifted right by one.
    public static func seed(ofKey key: String) -> UInt64 {
        UInt64(key.prefix(16), radix: 16)! >> 1
    }

    public static func paramsJSON(_ p: ResolvedParameters) -> JSONValue {
        .object(p.values.map { ($0.key, json($0.value)) })
    }

    /// A parameter value as JSON.
    public static func json(_ v: ParamValue) -> JSONValue {
        switch v {
        case .int(let i): return .int(i)
        case .real(let d): return .real(d)
        case .string(let s): return .string(s)
        case .ints(let list): return .array(list.map { .int($0) })
        case .null: return .null
        }
    }

    static func json(_ strings: [String]) -> JSONValue { .array(strings.map { .string($0) }) }

    /// The `data` block of a run's configuration: the source's options and the data fingerprint.
    static func dataJSON(_ source: DataSource, fingerprint: String) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [("sha256", .string(fingerprint))]
        let kind: String
        switch source {
        case .synthetic(let s):
            kind = "synthetic"
            m += [("customers", .int(s.customers)), ("segments", .int(s.segments)), ("seed", .int(Int(s.seed)))]
        case .customersCSV(let c):
            kind = "customers_csv"
            m.append(("id", .string(c.id)))
            if let t = c.truth { m.append(("truth", .string(t))) }
        case .transactionsCSV(let t):
            kind = "transactions_csv"
            let optional: [(String, String?)] = [
                ("customer", t.customer), ("date", t.date), ("quantity", t.quantity), ("unit_price", t.unitPrice),
                ("amount", t.amount), ("invoice", t.invoice), ("product", t.product), ("as_of", t.asOf),
                ("date_format", t.dateFormat),
            ]
            for case let (k, v?) in optional { m.append((k, .string(v))) }
        case .tables(let t):
            return TablesIdentity.dataJSON(t)
        }
        return .object([(kind, .object(m))])
    }

    static func cleanJSON(_ c: CleaningRules) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("missing", .string(c.missing.rawValue)), ("duplicates", .string(c.duplicates.rawValue)),
            ("cancellations", .string(c.cancellations.rawValue)),
        ]
        if let o = c.outliers {
            var om: [(key: String, value: JSONValue)] = [("action", .string(o.action.rawValue))]
            switch o.method {
            case .iqr(let f): om += [("method", .string("iqr")), ("factor", .real(f))]
            case .zscore(let l): om += [("method", .string("zscore")), ("limit", .real(l))]
            case .quantile(let lo, let hi): om += [("method", .string("quantile")), ("lower", .real(lo)), ("upper", .real(hi))]
            }
            m.append(("outliers", .object(om)))
        }
        return .object(m)
    }

    /// A feature set with its columns resolved (the name is left out: it is a label).
    static func featureSetJSON(_ f: FeatureSetDefinition, resolvedColumns: [String]) -> JSONValue {
        var m: [(key: String, value: JSONValue)] = [
            ("columns", json(resolvedColumns)), ("log1p", json(f.log1p)), ("onehot", json(f.onehot)),
            ("scale", .string(f.scale.rawValue)),
        ]
        switch f.pca {
        case .components(let n)?: m.append(("pca", .object([("components", .int(n))])))
        case .variance(let v)?: m.append(("pca", .object([("variance", .real(v))])))
        case nil: break
        }
        return .object(m)
    }

    static func metricsJSON(_ m: MetricsSettings) -> JSONValue {
        .object([("silhouette", .object([("sample", .int(m.silhouetteSample)), ("scope", .string("feature_set"))]))])
    }
}
