import SeglabNumerics

/// Labels re-coded as 0 ..< k in ascending label order (scikit-learn's `LabelEncoder`),
/// noise (negative labels) as -1.
struct LabelGroups {
    /// The distinct non-negative labels, ascending.
    let classes: [Int]
    /// Per row: the index of its label in `classes`, or -1 for noise.
    let codes: [Int]
    /// Rows per class.
    let counts: [Int]
    /// Rows with a non-negative label.
    var clusteredCount: Int { codes.count - noiseCount }
    let noiseCount: Int

    init(_ labels: [Int]) {
        (classes, codes) = LabelCoding.encode(labels, negativesAreClasses: false)
        var counts = [Int](repeating: 0, count: classes.count)
        for c in codes where c >= 0 { counts[c] += 1 }
        self.counts = counts
        noiseCount = labels.count - counts.reduce(0, +)
    }

    /// Label means (rows of the matrix in class order), from one pass over the rows.
    func centroids(_ x: Matrix) -> Matrix {
        var means = Kernels.groupSums(x, labels: codes, groups: classes.count).sums
        for c in 0 ..< classes.count {
            for f in 0 ..< means.cols { means[c, f] /= Double(counts[c]) }
        }
        return means
    }

    /// Why a score needing 2 ≤ clusters ≤ rows − 1 (scikit-learn's rule) is undefined, if it is.
    func invalidCountReason() -> String? {
        let k = classes.count, n = clusteredCount
        if k >= 2 && k <= n - 1 { return nil }
        return "needs 2 to n-1 clusters among the \(n) clustered rows, got \(k)"
    }
}

/// Distinct labels in ascending order and each row's position among them.
enum LabelCoding {
    /// With `negativesAreClasses` false, negative labels get code -1 and are not classes.
    /// Labels spanning a range not much wider than the row count (the usual 0 ..< k) are coded
    /// through a lookup table; others through a dictionary. Both give the same codes.
    static func encode(_ labels: [Int], negativesAreClasses: Bool) -> (classes: [Int], codes: [Int]) {
        var lo = Int.max, hi = Int.min
        for l in labels where negativesAreClasses || l >= 0 { lo = min(lo, l); hi = max(hi, l) }
        guard lo <= hi else { return ([], labels.map { _ in -1 }) }
        let span = hi.subtractingReportingOverflow(lo)
        if !span.overflow, span.partialValue < 4 * labels.count + 64 {
            var slot = [Int](repeating: -1, count: span.partialValue + 1)
            for l in labels where l >= lo { slot[l - lo] = 0 }
            var classes = [Int]()
            for v in slot.indices where slot[v] == 0 {
                slot[v] = classes.count
                classes.append(v + lo)
            }
            return (classes, labels.map { $0 >= lo ? slot[$0 - lo] : -1 })
        }
        let classes = Array(Set(labels.filter { negativesAreClasses || $0 >= 0 })).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return (classes, labels.map { index[$0] ?? -1 })
    }
}
