/// The Pareto front of points whose two coordinates are both to be maximised (runs by
/// silhouette and by smallest cluster share): the points no other point dominates, where
/// a dominates b when a is at least as good on both and strictly better on one.
///
///     ParetoFront.indices(x: [0.5, 0.6, 0.4, 0.6], y: [0.2, 0.1, 0.3, 0.1])   // [2, 0, 1, 3]
///
/// Ties: a point equal to a front point on both coordinates is on the front too (neither
/// dominates the other); a point that ties on one coordinate and loses on the other is
/// dominated. Points with a non-finite coordinate (a failed run's NaN) are never on it.
public enum ParetoFront {
    /// Indices of the front, by x ascending, then y descending, then index.
    public static func indices(x: [Double], y: [Double]) -> [Int] {
        precondition(x.count == y.count)
        let candidates = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        // Sweep from the largest x down; `bestY` is the largest y among strictly larger x.
        let byX = candidates.sorted { x[$0] != x[$1] ? x[$0] > x[$1] : $0 < $1 }
        var front = [Int]()
        var bestY = -Double.infinity
        var start = 0
        while start < byX.count {
            var end = start
            while end < byX.count && x[byX[end]] == x[byX[start]] { end += 1 }
            let group = byX[start ..< end]
            let groupBest = group.map { y[$0] }.max()!
            if groupBest > bestY { front += group.filter { y[$0] == groupBest } }
            bestY = max(bestY, groupBest)
            start = end
        }
        return front.sorted { x[$0] != x[$1] ? x[$0] < x[$1] : y[$0] != y[$1] ? y[$0] > y[$1] : $0 < $1 }
    }

    /// The front's points, in the order of `indices`.
    public static func points(_ points: [ChartPoint]) -> [ChartPoint] {
        indices(x: points.map(\.x), y: points.map(\.y)).map { points[$0] }
    }
}
