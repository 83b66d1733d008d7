/// The knee (or elbow) of a curve by Kneedle (Satopää, Albrecht, Irwin & Raghavan 2011,
/// "Finding a 'Kneedle' in a Haystack"), offline, without smoothing, as the `kneed` Python
/// package with `interp_method="interp1d"`, `S = 1`, `online=False`:
///
/// 1. x and y are scaled to [0, 1];
/// 2. the curve is turned so its knee is a maximum of the difference curve
///    D = y′ − x′ (for a decreasing convex curve, y′ = 1 − y);
/// 3. each local maximum i of D sets a threshold T = D[i] − S · mean(Δx′) (a local minimum
///    disarms it); the first local maximum whose threshold D falls below, before the next
///    local extremum, is the knee.
///
///     let k = [2.0, 3, 4, 5, 6, 7, 8]
///     let inertia = [1000.0, 600, 300, 280, 265, 255, 250]
///     KneeDetector.knee(x: k, y: inertia, shape: .convexDecreasing)   // 4 (index 2)
///
/// For an elbow curve (inertia against k) the shape is `.convexDecreasing`. No knee (nil)
/// for fewer than 3 points, a straight line, or a curve of the other shape.
public enum KneeDetector {
    public enum Shape: Sendable {
        /// Falls steeply then flattens (inertia against k).
        case convexDecreasing
        /// Rises slowly then steeply.
        case convexIncreasing
        /// Rises steeply then flattens (cumulative explained variance).
        case concaveIncreasing
        /// Falls slowly then steeply.
        case concaveDecreasing
    }

    /// The index of the knee in `x` (ascending), or nil.
    public static func kneeIndex(x: [Double], y: [Double], shape: Shape, sensitivity: Double = 1) -> Int? {
        precondition(x.count == y.count)
        let n = x.count
        guard n >= 3, x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else { return nil }
        guard var xn = normalised(x), let yn0 = normalised(y) else { return nil }
        // kneed's transform_y (every shape becomes concave increasing), and its mirror of x
        // for the two shapes whose y is mirrored by index.
        let yn: [Double]
        let mirrored: Bool
        switch shape {
        case .convexDecreasing: yn = yn0.map { 1 - $0 }; mirrored = false
        case .concaveIncreasing: yn = yn0; mirrored = false
        case .concaveDecreasing: yn = Array(yn0.reversed()); mirrored = true
        case .convexIncreasing: yn = Array(yn0.map { 1 - $0 }.reversed()); mirrored = true
        }
        if mirrored { xn = xn.reversed().map { 1 - $0 } }
        let d = zip(yn, xn).map { $0 - $1 }

        // Local extrema as scipy's argrelextrema (order 1, mode "clip": an end point is
        // compared with itself, so it can be one).
        func neighbours(_ i: Int) -> (Double, Double) { (d[max(i - 1, 0)], d[min(i + 1, n - 1)]) }
        let isMaximum = (0 ..< n).map { i in let (a, b) = neighbours(i); return d[i] >= a && d[i] >= b }
        let isMinimum = (0 ..< n).map { i in let (a, b) = neighbours(i); return d[i] <= a && d[i] <= b }
        guard let firstMaximum = isMaximum.firstIndex(of: true) else { return nil }
        let meanStep = (zip(xn.dropFirst(), xn).map { $0 - $1 }.reduce(0, +) / Double(n - 1)).magnitude

        var threshold = 0.0, thresholdIndex = 0, active = true
        for i in firstMaximum ..< n - 1 {
            if isMaximum[i] {
                threshold = d[i] - sensitivity * meanStep
                thresholdIndex = i
                active = true
            }
            if isMinimum[i] {
                threshold = 0
                active = false
            }
            if active && d[i + 1] < threshold {
                return mirrored ? n - 1 - thresholdIndex : thresholdIndex
            }
        }
        return nil
    }

    /// The x of the knee, or nil.
    public static func knee(x: [Double], y: [Double], shape: Shape, sensitivity: Double = 1) -> Double? {
        kneeIndex(x: x, y: y, shape: shape, sensitivity: sensitivity).map { x[$0] }
    }

    private static func normalised(_ v: [Double]) -> [Double]? {
        let lo = v.min()!, hi = v.max()!
        guard hi > lo else { return nil }
        return v.map { ($0 - lo) / (hi - lo) }
    }
}
