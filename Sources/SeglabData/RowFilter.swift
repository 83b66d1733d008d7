/// Row-level cleaning that records one data-report step per rule (the tables source; the
/// streamed transactions ingest counts its drops as it goes): each `drop` removes the rows
/// still kept that match its rule.
struct RowFilter {
    private(set) var keep: [Bool]
    private(set) var steps: [DataReport.Step]
    private var remaining: Int

    init(count: Int, steps: [DataReport.Step] = []) {
        keep = [Bool](repeating: true, count: count); self.steps = steps; remaining = count
    }

    mutating func drop(_ name: String, _ detail: String, where rule: (Int) -> Bool) {
        var dropped = 0
        for i in keep.indices where keep[i] && rule(i) { keep[i] = false; dropped += 1 }
        steps.append(.init(step: name, rowsIn: remaining, rowsOut: remaining - dropped, detail: detail))
        remaining -= dropped
    }
}
