import SeglabLedger
import SeglabRunner

/// One run of the experiment as the report uses it: its ledger row, its metrics and its
/// parameters.
struct RunData: Sendable {
    var record: RunRecord
    /// Defined metrics only (NULL ones are absent).
    var metrics: [String: Double]
    /// `params_json`, in its canonical (sorted) order.
    var params: [(key: String, value: JSONValue)]

    var id: String { record.id }
    var algorithm: String { record.algorithm }
    var featureSet: String { record.featureSet }
    var completed: Bool { record.status == .completed }

    func param(_ name: String) -> JSONValue? { params.first { $0.key == name }?.value }

    /// The integer `k`, if the run has one.
    var k: Int? {
        if case .int(let k)? = param("k") { return k }
        return nil
    }

    /// "k=5, init=random, n_init=10".
    var paramsText: String { paramsText(omitting: []) }

    /// The parameters but those named in `omitted` (the ones every run shares).
    func paramsText(omitting omitted: Set<String>) -> String {
        params.filter { !omitted.contains($0.key) }.map { "\($0.key)=\(Self.text($0.value))" }.joined(separator: ", ")
    }

    /// A parameter value for people: strings without quotes, everything else as canonical JSON.
    static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return JSONWriter.canonical(v)
    }
}
