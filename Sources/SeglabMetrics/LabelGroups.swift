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
        classes = Array(Set(labels.filter { $0 >= 0 })).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        codes = labels.map { $0 >= 0 ? index[$0]! : -1 }
        var counts = [Int](repeating: 0, count: classes.count)
        for c in codes where c >= 0 { counts[c] += 1 }
        self.counts = counts
        noiseCount = labels.count - counts.reduce(0, +)
    }

    /// Per-class row sums (rows of the matrix in class order).
    func sums(_ x: Matrix) -> Matrix { Kernels.groupSums(x, labels: codes, groups: classes.count).sums }

    /// Label means from per-class sums.
    func centroids(sums: Matrix) -> Matrix {
        var means = sums
        for c in 0 ..< classes.count {
            for f in 0 ..< sums.cols { means[c, f] /= Double(counts[c]) }
        }
        return means
    }

    /// Label means (rows of the matrix in class order).
    func centroids(_ x: Matrix) -> Matrix { centroids(sums: sums(x)) }

    /// Why a score needing 2 ≤ clusters ≤ rows − 1 (scikit-learn's rule) is undefined, if it is.
    func invalidCountReason() -> String? {
        let k = classes.count, n = clusteredCount
        if k >= 2 && k <= n - 1 { return nil }
        return "needs 2 to n-1 clusters among the \(n) clustered rows, got \(k)"
    }
}
