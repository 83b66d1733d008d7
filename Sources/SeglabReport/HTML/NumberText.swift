import SeglabCharts

/// Numbers on the page: locale-free (`NumberFormat`), so the report's bytes never depend on
/// the machine.
enum NumberText {
    /// 20,000
    static func count(_ n: Int) -> String { NumberFormat.fixed(Double(n), decimals: 0, grouping: true) }
    /// 28.9%
    static func share(_ v: Double?) -> String { v.map { NumberFormat.percent($0, decimals: 1) } ?? "–" }
    /// 4 significant digits, thousands separated: 0.4101, 12,407, 1.2e-05 as 0.00001200.
    static func value(_ v: Double?) -> String {
        guard let v else { return "–" }
        return NumberFormat.significant(v, digits: 4)
    }
    /// A z-score with its sign: +1.24, −0.37.
    static func z(_ v: Double) -> String { (v > 0 ? "+" : "") + NumberFormat.fixed(v, decimals: 2) }
}
