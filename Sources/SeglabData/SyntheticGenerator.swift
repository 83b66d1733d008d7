import SeglabNumerics

/// The built-in generator (SPEC §1 `synthetic`): customer-level behaviour features with the
/// names of the transaction features (`CustomerFeatures.names`) and known segments, a pure
/// function of (customers, segments, seed).
///
/// Segment s has weight S − s (so 4 segments get 40/30/20/10 %), every segment at least one
/// customer when customers ≥ segments; the segment vector is shuffled by the stream
/// `synthetic.assign`. Segments follow eight behavioural archetypes (lapsed, regular, new,
/// loyal, occasional big spenders, serial returners, wholesale, dormant high value); beyond
/// eight, archetype s mod 8 is rescaled by log-normal factors from `synthetic.segments`.
/// Values are drawn per customer in index order from `synthetic.features`: log-normal
/// recency, tenure beyond recency, order rate, basket and products per order (skewed, as
/// real spend is), integer days and counts, cents for money, and a return rate that is zero
/// for most customers. `days_between_orders` is consistent with the rest: the active span
/// (tenure − recency) over the orders' gaps.
///
///     let table = SyntheticGenerator.generate(SyntheticSource(customers: 20_000, segments: 4, seed: 7))
public enum SyntheticGenerator {
    /// Medians and log-sds of one segment's draws.
    private struct Archetype {
        var recency: (Double, Double), tenureExtra: (Double, Double), ordersPerYear: (Double, Double)
        var basket: (Double, Double), productsPerOrder: (Double, Double)
        var returnShare: Double, returnRate: (Double, Double)
    }

    private static let archetypes: [Archetype] = [
        .init(recency: (150, 0.45), tenureExtra: (300, 0.5), ordersPerYear: (1.6, 0.35), basket: (40, 0.5),
              productsPerOrder: (3, 0.4), returnShare: 0.10, returnRate: (0.10, 0.6)),   // lapsed
        .init(recency: (30, 0.55), tenureExtra: (500, 0.4), ordersPerYear: (6, 0.4), basket: (55, 0.4),
              productsPerOrder: (5, 0.4), returnShare: 0.20, returnRate: (0.06, 0.6)),   // regular
        .init(recency: (10, 0.6), tenureExtra: (20, 0.6), ordersPerYear: (1.3, 0.3), basket: (35, 0.5),
              productsPerOrder: (3, 0.4), returnShare: 0.05, returnRate: (0.10, 0.6)),   // new
        .init(recency: (7, 0.5), tenureExtra: (900, 0.3), ordersPerYear: (20, 0.35), basket: (150, 0.45),
              productsPerOrder: (8, 0.4), returnShare: 0.25, returnRate: (0.04, 0.6)),   // loyal, high value
        .init(recency: (60, 0.5), tenureExtra: (200, 0.5), ordersPerYear: (2.5, 0.4), basket: (250, 0.4),
              productsPerOrder: (2, 0.4), returnShare: 0.05, returnRate: (0.05, 0.6)),   // occasional big spender
        .init(recency: (20, 0.5), tenureExtra: (400, 0.4), ordersPerYear: (8, 0.4), basket: (70, 0.4),
              productsPerOrder: (6, 0.4), returnShare: 0.90, returnRate: (0.35, 0.4)),   // serial returner
        .init(recency: (5, 0.6), tenureExtra: (700, 0.3), ordersPerYear: (40, 0.3), basket: (900, 0.5),
              productsPerOrder: (40, 0.4), returnShare: 0.30, returnRate: (0.03, 0.6)),  // wholesale
        .init(recency: (250, 0.35), tenureExtra: (600, 0.4), ordersPerYear: (4, 0.4), basket: (300, 0.4),
              productsPerOrder: (10, 0.4), returnShare: 0.10, returnRate: (0.05, 0.6)),  // dormant high value
    ]

    public static func generate(_ s: SyntheticSource) -> CustomerTable {
        let n = max(0, s.customers), segments = max(1, s.segments)
        let profiles = profiles(segments, seed: s.seed)

        // Segment s gets weight S − s: counts by largest remainder, then any empty segment takes
        // one customer from the largest (when there are enough customers).
        let totalWeight = Double(segments * (segments + 1) / 2)
        let exact = (0 ..< segments).map { Double(n) * Double(segments - $0) / totalWeight }
        var counts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = (0 ..< segments).sorted { (exact[$0] - exact[$0].rounded(.down), -$0) > (exact[$1] - exact[$1].rounded(.down), -$1) }
        for k in byRemainder.prefix(n - counts.reduce(0, +)) { counts[k] += 1 }
        for k in 0 ..< segments where counts[k] == 0 && n >= segments {
            counts[counts.indices.max { counts[$0] < counts[$1] }!] -= 1
            counts[k] = 1
        }
        var segmentOf = counts.enumerated().flatMap { [Int](repeating: $0.offset, count: $0.element) }
        var assign = Xoshiro256StarStar(seed: s.seed, stream: "synthetic.assign")
        assign.shuffle(&segmentOf)

        var rng = Xoshiro256StarStar(seed: s.seed, stream: "synthetic.features")
        func draw(_ p: (Double, Double)) -> Double { p.0 * _exp(p.1 * rng.nextGaussian()) }
        var values = [Double]()
        values.reserveCapacity(n * CustomerFeatures.names.count)
        for i in 0 ..< n {
            let a = profiles[segmentOf[i]]
            let recency = draw(a.recency).rounded()
            let tenure = recency + draw(a.tenureExtra).rounded()
            let active = tenure - recency
            let frequency = max(1, (draw(a.ordersPerYear) * (1 + active / 365)).rounded())
            let monetary = (frequency * draw(a.basket) * 100).rounded() / 100  // cents
            let products = max(1, (draw(a.productsPerOrder) * frequency.squareRoot()).rounded())
            let returns = rng.nextDouble() < a.returnShare ? min(1, draw(a.returnRate)) : 0
            let gap = frequency > 1 ? active / (frequency - 1) : 0
            values += [recency, frequency, monetary, tenure, monetary / frequency, products, returns, gap]
        }
        let width = max(6, String(n).count)
        let ids = (0 ..< n).map { i -> String in
            let digits = String(i + 1)
            return "c" + String(repeating: "0", count: width - digits.count) + digits
        }
        return CustomerTable(ids: ids, numericNames: CustomerFeatures.names,
                             numeric: Matrix(rows: n, cols: CustomerFeatures.names.count, storage: values),
                             truth: segmentOf.map(String.init),
                             report: DataReport(source: "synthetic",
                                                steps: [.init(step: "generate", rowsIn: n, rowsOut: n,
                                                              detail: "\(segments) segments of \(counts.map(String.init).joined(separator: "/")) customers, seed \(s.seed)")],
                                                customers: n))
    }

    /// The archetypes of `segments` segments; beyond the eight, rescaled copies.
    private static func profiles(_ segments: Int, seed: UInt64) -> [Archetype] {
        var rng = Xoshiro256StarStar(seed: seed, stream: "synthetic.segments")
        return (0 ..< segments).map { s in
            var a = archetypes[s % archetypes.count]
            guard s >= archetypes.count else { return a }
            func rescale(_ p: inout (Double, Double)) { p.0 *= _exp(0.5 * rng.nextGaussian()) }
            rescale(&a.recency); rescale(&a.tenureExtra); rescale(&a.ordersPerYear)
            rescale(&a.basket); rescale(&a.productsPerOrder)
            return a
        }
    }
}
