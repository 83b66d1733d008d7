import SeglabNumerics

/// The conditional probabilities p(j | i) over each row's neighbours, with the Gaussian's
/// precision β_i found by binary search so that the entropy of p(· | i) is log(perplexity),
/// as scikit-learn's `_binary_search_perplexity`: at most 100 halvings/doublings of β from
/// 1, stopping when the entropy is within 1e-5 of the target.
enum PerplexitySearch {
    static let steps = 100
    static let tolerance = 1e-5

    /// p(j | i) in the layout of `graph` (row i's k values, nearest first).
    static func conditionalProbabilities(_ graph: NeighborGraph, perplexity: Double, workers: Int?) -> [Double] {
        let k = graph.k
        var p = [Double](repeating: 0, count: graph.rows * k)
        let desired = _log(perplexity)
        graph.squaredDistances.withUnsafeBufferPointer { db in
            p.withUnsafeMutableBufferPointer { pb in
                Parallel.forEachChunk(count: graph.rows, chunkSize: 256, workers: workers) { range in
                    for i in range {
                        search(db.baseAddress! + i * k, count: k, desiredEntropy: desired, into: pb.baseAddress! + i * k)
                    }
                }
            }
        }
        return p
    }

    /// One row: squared distances `d[0 ..< count]` in, probabilities `p[0 ..< count]` out.
    static func search(_ d: UnsafePointer<Double>, count: Int, desiredEntropy: Double, into p: UnsafeMutablePointer<Double>) {
        var beta = 1.0, betaMin = -Double.infinity, betaMax = Double.infinity
        for _ in 0 ..< steps {
            var sum = 0.0
            for j in 0 ..< count {
                p[j] = _exp(-d[j] * beta)
                sum += p[j]
            }
            if sum == 0 { sum = 1e-8 }
            var weighted = 0.0
            for j in 0 ..< count {
                p[j] /= sum
                weighted += d[j] * p[j]
            }
            let difference = _log(sum) + beta * weighted - desiredEntropy
            if difference.magnitude <= tolerance { break }
            if difference > 0 {
                betaMin = beta
                beta = betaMax == .infinity ? beta * 2 : (beta + betaMax) / 2
            } else {
                betaMax = beta
                beta = betaMin == -.infinity ? beta / 2 : (beta + betaMin) / 2
            }
        }
    }
}
