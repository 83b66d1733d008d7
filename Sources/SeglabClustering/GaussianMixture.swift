import SeglabNumerics

/// Gaussian mixture fitted by expectation–maximisation, as scikit-learn 1.9's
/// `GaussianMixture`: responsibilities initialised from one K-Means fit (or k-means++ rows,
/// random responsibilities, random rows), EM until the mean log-likelihood per row changes by
/// less than `tol`, `n_init` restarts keeping the highest lower bound, and a final E-step so
/// the labels are what `predict` gives.
///
/// Covariances carry `reg_covar` on their diagonal and are held as the Cholesky factors of
/// their precisions; log-densities stay in log space and are normalised by log-sum-exp. The
/// M-step's sums are taken in the same pass as the E-step, about the current means
/// (`MixtureStatistics`), over fixed chunks combined in chunk order: a fit is bit-identical
/// on any number of threads.
public struct GaussianMixture: ClusteringAlgorithm {
    /// How the first responsibilities are set (scikit-learn's `init_params`).
    public enum Initialization: String, Sendable, CaseIterable {
        /// One hard assignment from a K-Means fit (k-means++, one restart) drawn from the run's generator.
        case kmeans
        /// Each component starts at one row picked by greedy k-means++.
        case kMeansPlusPlus = "k-means++"
        /// Uniform random responsibilities, normalised per row.
        case random
        /// Each component starts at one of k distinct random rows.
        case randomFromData = "random_from_data"
    }

    public static let name = "gmm"
    public static let summary = "Gaussian mixture fitted by EM, as scikit-learn's GaussianMixture"
    public static let parameters: [ParameterSpec] = [
        ParameterSpec("k", .int(min: 2, max: 1_000_000), default: .required, help: "number of mixture components"),
        ParameterSpec("covariance", .choice(CovarianceType.allCases.map(\.rawValue)), default: .value(.string("full")),
                      help: "covariance of each component: full, tied (one shared), diag, spherical (one variance)"),
        ParameterSpec("init", .choice(Initialization.allCases.map(\.rawValue)), default: .value(.string("kmeans")),
                      help: "initial responsibilities: K-Means labels, k-means++ rows, random, or random rows"),
        ParameterSpec("n_init", .int(min: 1, max: 10_000), default: .value(.int(1)),
                      help: "restarts, keeping the highest lower bound (mean log-likelihood)"),
        ParameterSpec("max_iter", .int(min: 0, max: 1_000_000), default: .value(.int(100)),
                      help: "EM iterations per restart"),
        ParameterSpec("tol", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(1e-3)),
                      help: "stop when the mean log-likelihood per row changes by less than tol"),
        ParameterSpec("reg_covar", .real(min: 0, max: .infinity, minExclusive: false), default: .value(.real(1e-6)),
                      help: "added to the diagonal of every covariance, to keep it positive definite"),
    ]

    public let k: Int
    public let covariance: CovarianceType
    public let initialization: Initialization
    public let nInit: Int
    public let maxIter: Int
    public let tol: Double
    public let regCovar: Double

    public init(k: Int, covariance: CovarianceType = .full, initialization: Initialization = .kmeans, nInit: Int = 1,
                maxIter: Int = 100, tol: Double = 1e-3, regCovar: Double = 1e-6) {
        precondition(k >= 1 && nInit >= 1 && maxIter >= 0 && tol >= 0 && regCovar >= 0)
        self.k = k
        self.covariance = covariance
        self.initialization = initialization
        self.nInit = nInit
        self.maxIter = maxIter
        self.tol = tol
        self.regCovar = regCovar
    }

    public init(parameters: ResolvedParameters) throws {
        guard parameters.values["k"] != nil else { throw ClusteringError("gmm: parameter k is required") }
        guard let covariance = CovarianceType(rawValue: parameters.string("covariance")) else {
            throw ClusteringError("gmm: unknown covariance \(parameters.string("covariance"))")
        }
        guard let initialization = Initialization(rawValue: parameters.string("init")) else {
            throw ClusteringError("gmm: unknown init \(parameters.string("init"))")
        }
        self.init(k: parameters.int("k"), covariance: covariance, initialization: initialization,
                  nInit: parameters.int("n_init"), maxIter: parameters.int("max_iter"), tol: parameters.real("tol"),
                  regCovar: parameters.real("reg_covar"))
    }

    /// One restart's outcome.
    struct EMResult {
        var model: GaussianMixtureModel
        /// The mean log-likelihood of the last E-step (scikit-learn's `lower_bound_`).
        var lowerBound: Double
        var nIter: Int
        var converged: Bool
    }

    public func fit(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> ClusteringFit<GaussianMixtureModel> {
        guard x.rows >= max(k, 2) else {
            throw ClusteringError("gmm: k = \(k) needs at least \(max(k, 2)) rows, the data have \(x.rows)")
        }
        guard x.storage.allSatisfy({ $0.isFinite }) else {
            throw ClusteringError("gmm: the data contain a non-finite value")
        }
        let blocks = RowBlocks(x)
        var best: EMResult?
        for _ in 0 ..< nInit {
            let start = try initialModel(blocks, responsibilities: try initialResponsibilities(x, rng: &rng, context: context))
            let run = try em(blocks, from: start, context: context)
            // As scikit-learn: a strictly higher lower bound wins; so does any run while the best is still −∞.
            if let b = best, !(run.lowerBound > b.lowerBound || b.lowerBound == -.infinity) { continue }
            best = run
        }
        let b = best!
        // The final E-step: labels as `predict` gives them, and the log-likelihood of the returned model.
        let final = b.model.density.classify(blocks)
        let n = Double(x.rows)
        let score = final.logLikelihood / n
        let p = Double(b.model.parameterCount)
        let metrics: [String: Double] = [
            "log_likelihood": score,
            "bic": -2 * score * n + p * _log(n),
            "aic": -2 * score * n + 2 * p,
            "converged": b.converged ? 1 : 0,
            "n_iter": Double(b.nIter),
        ]
        return ClusteringFit(labels: final.labels, model: b.model, metrics: metrics)
    }

    /// EM from `start` (the loop of scikit-learn's `fit_predict`): each iteration's E-step gives
    /// the lower bound of the current model and the sums its M-step turns into the next.
    func em(_ x: RowBlocks, from start: GaussianMixtureModel, context: FitContext) throws -> EMResult {
        var model = start
        var lowerBound = -Double.infinity, nIter = 0, converged = false
        for iteration in stride(from: 1, through: maxIter, by: 1) {
            try context.checkpoint(stage: "em", iteration: iteration, of: maxIter)
            let previous = lowerBound
            let stats = model.density.expectation(x)
            model = try maximization(stats, reference: model.means.flatMap { $0 }, rows: x.rows, initial: false)
            lowerBound = stats.logLikelihood / Double(x.rows)
            nIter = iteration
            if abs(lowerBound - previous) < tol { converged = true; break }
        }
        return EMResult(model: model, lowerBound: lowerBound, nIter: nIter, converged: converged)
    }

    /// The first responsibilities (scikit-learn's `_initialize_parameters`), drawn from `rng`.
    func initialResponsibilities(_ x: Matrix, rng: inout Xoshiro256StarStar, context: FitContext) throws -> Responsibilities {
        let n = x.rows
        switch initialization {
        case .kmeans:
            return .labels(try KMeans(k: k, initialization: .kMeansPlusPlus, nInit: 1).fit(x, rng: &rng, context: context).labels)
        case .kMeansPlusPlus:
            let rows = KMeans(k: k).kMeansPlusPlusIndices(x, rng: &rng)
            return .dense(Self.oneHot(rows: rows, n: n, k: k))
        case .randomFromData:
            return .dense(Self.oneHot(rows: rng.sampleSortedIndices(k, from: n), n: n, k: k))
        case .random:
            var r = [Double](repeating: 0, count: n * k)
            for i in 0 ..< n {
                var total = 0.0
                for c in 0 ..< k { r[i * k + c] = rng.nextDouble(); total += r[i * k + c] }
                for c in 0 ..< k { r[i * k + c] /= total }
            }
            return .dense(r)
        }
    }

    /// The model whose E-step would give `resp` (scikit-learn's `_initialize`).
    func initialModel(_ x: RowBlocks, responsibilities resp: Responsibilities) throws -> GaussianMixtureModel {
        let d = x.dims
        // Sums about the origin give the means; sums about the means give the covariances without cancellation.
        let rough = MixtureStatistics(x, responsibilities: resp, k: k, reference: [Double](repeating: 0, count: k * d),
                                      triangular: covariance.triangular)
        let means = (0 ..< k * d).map { rough.sums[$0] / (rough.mass[$0 / d] + Self.massFloor) }
        let stats = MixtureStatistics(x, responsibilities: resp, k: k, reference: means, triangular: covariance.triangular)
        return try maximization(stats, reference: means, rows: x.rows, initial: true)
    }

    /// Responsibility 1 of component c for row `rows[c]` (a row picked twice holds both).
    static func oneHot(rows: [Int], n: Int, k: Int) -> [Double] {
        var r = [Double](repeating: 0, count: n * k)
        for (c, row) in rows.enumerated() { r[row * k + c] = 1 }
        return r
    }

    /// scikit-learn adds 10 machine epsilons to every component's mass, so an empty one divides safely.
    static let massFloor = 10 * Double.ulpOfOne

    /// The M-step (scikit-learn's `_estimate_gaussian_parameters` and
    /// `_compute_precision_cholesky`) from sums about `reference`. Weights are the masses over
    /// n for the initial model and normalised to sum 1 afterwards, as scikit-learn does.
    func maximization(_ s: MixtureStatistics, reference: [Double], rows n: Int, initial: Bool) throws -> GaussianMixtureModel {
        let d = reference.count / k
        let triangular = covariance.triangular
        let size = MixtureStatistics.scatterSize(d: d, triangular: triangular)
        let mass = s.mass.map { $0 + Self.massFloor }
        var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        // Σ r (x − μ)(x − μ)ᵀ per component, from the sums about the reference: with δ = μ − ref
        // and t = Σ r (x − ref), it is S − δ tᵀ − t δᵀ + (Σ r) δ δᵀ.
        var centred = [Double](repeating: 0, count: k * size)
        for c in 0 ..< k {
            let t = Array(s.sums[c * d ..< (c + 1) * d])
            let delta = t.map { $0 / mass[c] }
            for f in 0 ..< d { means[c][f] = reference[c * d + f] + delta[f] }
            if triangular {
                var p = c * size
                for j in 0 ..< d {
                    for l in 0 ... j {
                        centred[p + l] = s.scatter[p + l] - delta[l] * t[j] - t[l] * delta[j] + s.mass[c] * delta[l] * delta[j]
                    }
                    p += j + 1
                }
            } else {
                for f in 0 ..< d {
                    centred[c * size + f] = s.scatter[c * size + f] - 2 * delta[f] * t[f] + s.mass[c] * delta[f] * delta[f]
                }
            }
        }

        var factors: [Double]
        switch covariance {
        case .full:
            factors = []
            for c in 0 ..< k {
                factors += try precisionCholesky(packed: Array(centred[c * size ..< (c + 1) * size]).map { $0 / mass[c] }, d: d, component: c)
            }
        case .tied:
            let total = mass.reduce(0, +)
            var pooled = [Double](repeating: 0, count: size)
            for c in 0 ..< k { for e in 0 ..< size { pooled[e] += centred[c * size + e] } }
            factors = try precisionCholesky(packed: pooled.map { $0 / total }, d: d, component: nil)
        case .diag, .spherical:
            factors = []
            for c in 0 ..< k {
                let variances = (0 ..< d).map { centred[c * size + $0] / mass[c] + regCovar }
                if covariance == .diag {
                    factors += variances
                } else {
                    factors.append(variances.reduce(0, +) / Double(d))
                }
            }
            if let c = factors.firstIndex(where: { !($0 > 0) }) {
                throw notPositiveDefinite(component: covariance == .diag ? c / d : c)
            }
            factors = factors.map { 1 / $0.squareRoot() }
        }
        let totalMass = initial ? Double(n) : mass.reduce(0, +)
        return GaussianMixtureModel(covariance: covariance, weights: mass.map { $0 / totalMass }, means: means,
                                    precisionsCholesky: factors)
    }

    /// U = (L⁻¹)ᵀ, row-major d × d, for the covariance `packed` (upper triangle by columns) + reg_covar·I = L Lᵀ.
    private func precisionCholesky(packed: [Double], d: Int, component: Int?) throws -> [Double] {
        var cov = [Double](repeating: 0, count: d * d)
        var p = 0
        for j in 0 ..< d {
            for l in 0 ... j { cov[l * d + j] = packed[p + l]; cov[j * d + l] = packed[p + l] }
            p += j + 1
        }
        for f in 0 ..< d { cov[f * d + f] += regCovar }
        guard let lower = Cholesky.lower(cov, n: d) else { throw notPositiveDefinite(component: component) }
        let inverse = Cholesky.invertLower(lower, n: d)
        return (0 ..< d * d).map { inverse[($0 % d) * d + $0 / d] }
    }

    private func notPositiveDefinite(component: Int?) -> ClusteringError {
        let which = component.map { "component \($0)'s covariance" } ?? "the tied covariance"
        return ClusteringError("gmm: \(which) is not positive definite even with reg_covar = \(regCovar) "
            + "(ill-defined empirical covariance, e.g. singleton or collapsed samples); "
            + "try a smaller k, a larger reg_covar, or scaled data")
    }
}
