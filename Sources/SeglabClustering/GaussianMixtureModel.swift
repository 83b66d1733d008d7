import SeglabNumerics

/// The covariance structure of a Gaussian mixture (scikit-learn's `covariance_type`).
public enum CovarianceType: String, Sendable, Codable, CaseIterable {
    /// Each component its own covariance matrix.
    case full
    /// One covariance matrix shared by every component.
    case tied
    /// Each component its own diagonal covariance.
    case diag
    /// Each component one variance.
    case spherical

    /// Whether the precision's Cholesky factor is a d × d triangle (else a diagonal).
    var triangular: Bool { self == .full || self == .tied }

    /// Free parameters of a k-component mixture in d dimensions: k − 1 weights, k·d means and
    /// the covariances (scikit-learn's `_n_parameters`).
    public func parameterCount(components k: Int, dims d: Int) -> Int {
        let covariance: Int
        switch self {
        case .full: covariance = k * d * (d + 1) / 2
        case .tied: covariance = d * (d + 1) / 2
        case .diag: covariance = k * d
        case .spherical: covariance = k
        }
        return covariance + k * d + k - 1
    }
}

/// A fitted Gaussian mixture, as scikit-learn's `GaussianMixture` after `fit`: weights, means
/// and the Cholesky factors of the precision matrices. `predict` gives each row the component
/// of highest posterior probability (lowest index on ties) and that probability.
///
/// In `model.json` every number is written in shortest round-trip form, so the decoded model
/// predicts exactly what the fitted one did.
public struct GaussianMixtureModel: FittedClusterModel, Equatable {
    public var covariance: CovarianceType
    /// k mixing weights, summing to 1.
    public var weights: [Double]
    /// k rows of d coordinates.
    public var means: [[Double]]
    /// scikit-learn's `precisions_cholesky_`, row-major in its shape: full k × d × d (each an
    /// upper-triangular U with precision U Uᵀ), tied d × d, diag k × d, spherical k.
    public var precisionsCholesky: [Double]

    public init(covariance: CovarianceType, weights: [Double], means: [[Double]], precisionsCholesky: [Double]) {
        let k = weights.count, d = means.first?.count ?? 0
        precondition(means.count == k && precisionsCholesky.count == Self.factorCount(covariance, k: k, d: d))
        self.covariance = covariance
        self.weights = weights
        self.means = means
        self.precisionsCholesky = precisionsCholesky
    }

    static func factorCount(_ covariance: CovarianceType, k: Int, d: Int) -> Int {
        switch covariance {
        case .full: return k * d * d
        case .tied: return d * d
        case .diag: return k * d
        case .spherical: return k
        }
    }

    public var components: Int { weights.count }
    public var dims: Int { means.first?.count ?? 0 }

    /// Free parameters (scikit-learn's `_n_parameters`), the `p` of BIC and AIC.
    public var parameterCount: Int { covariance.parameterCount(components: components, dims: dims) }

    public func predict(_ x: Matrix) -> ClusterPrediction {
        let c = density.classify(RowBlocks(x))
        return ClusterPrediction(labels: c.labels, scoreKind: .probability, scores: c.probabilities)
    }

    /// The model laid out for the E-step kernel.
    var density: MixtureDensity {
        let k = components, d = dims
        let size = MixtureStatistics.scatterSize(d: d, triangular: covariance.triangular)
        var factors = [Double](repeating: 0, count: k * size)
        var logDet = [Double](repeating: 0, count: k)
        for c in 0 ..< k {
            switch covariance {
            case .full, .tied:
                let base = covariance == .full ? c * d * d : 0
                var p = c * size
                for j in 0 ..< d {
                    for l in 0 ... j { factors[p + l] = precisionsCholesky[base + l * d + j] }
                    p += j + 1
                }
                // scikit-learn's `_compute_log_det_cholesky`: Σ log of the diagonal.
                for j in 0 ..< d { logDet[c] += _log(precisionsCholesky[base + j * d + j]) }
            case .diag:
                for f in 0 ..< d {
                    factors[c * size + f] = precisionsCholesky[c * d + f]
                    logDet[c] += _log(precisionsCholesky[c * d + f])
                }
            case .spherical:
                for f in 0 ..< d { factors[c * size + f] = precisionsCholesky[c] }
                logDet[c] = Double(d) * _log(precisionsCholesky[c])
            }
        }
        let halfLog2Pi = 0.5 * Double(d) * _log(2 * Double.pi)
        return MixtureDensity(k: k, d: d, triangular: covariance.triangular, means: means.flatMap { $0 }, factors: factors,
                              constants: (0 ..< k).map { (logDet[$0] + _log(weights[$0])) - halfLog2Pi })
    }
}

extension GaussianMixtureModel: Codable {
    enum CodingKeys: String, CodingKey {
        case covariance, weights, means
        case precisionsCholesky = "precisions_cholesky"
    }

    /// `precisions_cholesky` nested in scikit-learn's shape, so the file reads like the estimator.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(covariance, forKey: .covariance)
        try c.encode(weights, forKey: .weights)
        try c.encode(means, forKey: .means)
        let k = components, d = dims
        let f = precisionsCholesky
        func matrix(_ base: Int) -> [[Double]] { (0 ..< d).map { i in Array(f[base + i * d ..< base + (i + 1) * d]) } }
        switch covariance {
        case .full: try c.encode((0 ..< k).map { matrix($0 * d * d) }, forKey: .precisionsCholesky)
        case .tied: try c.encode(matrix(0), forKey: .precisionsCholesky)
        case .diag: try c.encode((0 ..< k).map { Array(f[$0 * d ..< ($0 + 1) * d]) }, forKey: .precisionsCholesky)
        case .spherical: try c.encode(f, forKey: .precisionsCholesky)
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let covariance = try c.decode(CovarianceType.self, forKey: .covariance)
        let weights = try c.decode([Double].self, forKey: .weights)
        let means = try c.decode([[Double]].self, forKey: .means)
        let flat: [Double]
        switch covariance {
        case .full: flat = try c.decode([[[Double]]].self, forKey: .precisionsCholesky).flatMap { $0.flatMap { $0 } }
        case .tied: flat = try c.decode([[Double]].self, forKey: .precisionsCholesky).flatMap { $0 }
        case .diag: flat = try c.decode([[Double]].self, forKey: .precisionsCholesky).flatMap { $0 }
        case .spherical: flat = try c.decode([Double].self, forKey: .precisionsCholesky)
        }
        let k = weights.count, d = means.first?.count ?? 0
        guard k > 0, means.count == k, means.allSatisfy({ $0.count == d }),
              flat.count == Self.factorCount(covariance, k: k, d: d) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "weights, means and precisions_cholesky disagree on the number of components or dimensions"))
        }
        self.init(covariance: covariance, weights: weights, means: means, precisionsCholesky: flat)
    }
}
