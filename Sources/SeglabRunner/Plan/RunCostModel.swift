import SeglabClustering

/// A run's estimated cost, what `--shard I/N` balances: seconds on the reference machine (2-core
/// AMD EPYC, two runs at a time, see `benchmarks/costs/README.md`).
public struct RunCost: Sendable, Equatable {
    /// The run's own work: its fit, its metrics and its artifacts.
    public var seconds: Double
    /// Work a process does once for every run of a group (an agglomerative tree for every `k`),
    /// or nil.
    public var shared: SharedWork?

    /// `seconds` in whole microseconds: what the partition adds up, so that every machine
    /// computes the same partition (integer sums do not depend on their order).
    public var microseconds: Int64 { Self.microseconds(seconds) }

    static func microseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1e6).rounded()) }
}

/// Work that runs of one group share within one process (`FitContext.cache`).
public struct SharedWork: Sendable, Equatable {
    /// The runs that share it: the algorithm, the feature set and every parameter but `k`.
    public var group: String
    public var seconds: Double
}

/// The cost model behind `--shard`: for each algorithm a formula of the data size (n rows,
/// d matrix columns) and the parameters, times a constant fitted on measured runs, plus what
/// every run pays after its fit (metrics and artifacts).
///
/// | algorithm | fit work (× its constant) | constant from |
/// | --- | --- | --- |
/// | `kmeans` | n·d·k·n_init (· max_iter / typical iterations, when `max_iter` is below them) | seglab, measured |
/// | `gmm` | n·k·d² (`full`, `tied`) or n·k·d (`diag`, `spherical`), · n_init | scikit-learn, provisional |
/// | `agglomerative` | tree n²·d, once per group (shared), plus n per `k` | scikit-learn, provisional |
/// | `birch` | n·d / threshold² | scikit-learn, provisional |
/// | `dbscan` | n²·d | scikit-learn, provisional |
/// | `ae_kmeans`, `dec` | epochs·n·(autoencoder weights) (DEC: twice, pretraining and refinement) | PyTorch, provisional |
/// | any other | n·d·k·10, at K-Means' rate | — |
///
/// After the fit every run pays `overhead`: a fixed part, the silhouette (s² + s²·d for s
/// scored rows) and the linear metrics and artifacts (n·d; fitted to 0 here). Its constants and
/// K-Means' were fitted (`benchmarks/costs/calibrate.py`) on the `fit_seconds` and `duration_s`
/// of 96 K-Means runs on 1,000, 4,000 and 16,000 synthetic customers with 3 and 8 columns
/// (`benchmarks/costs/calibration_runs.csv`, debug build, `--jobs 2`, load average 16–17):
/// the model predicts their total within 12 %, and single runs with a median error of 37 %
/// (correlation 0.955) on the shared machine.
/// The provisional constants come from the scikit-learn and PyTorch timings on this machine
/// (`../shared/anchors/RESULTS.md`) until those algorithms' own runs recalibrate them with the
/// same script. Only the ratios between runs matter for balancing; a constant that is off by a
/// factor shifts an algorithm's runs as a whole.
///
/// Every formula uses +, −, × and ÷ on doubles only (correctly rounded everywhere, and Swift
/// never fuses them), never a library function, so every machine computes the same costs, and
/// so the same partition, from the same plan.
public enum RunCostModel {
    // Fitted constants: seconds per unit of work (see the table above).
    static let kmeansPlusPlus = 2.36e-7
    static let kmeansRandom = 1.84e-7
    /// Median `n_iter` of the calibration runs: below it, `max_iter` cuts the work.
    static let kmeansTypicalIterations = 14.0
    static let overheadFixed = 0.0299
    static let overheadPairs = 1.17e-8
    static let overheadPairColumns = 3.68e-10
    static let overheadLinear = 0.0

    // Provisional constants, from scikit-learn 1.9.1 and PyTorch 2.15 on this machine
    // (`../shared/anchors/results_*.csv`): per-grid fit seconds over the summed units.
    static let gmmFull = 1.85e-7, gmmTied = 7.2e-8, gmmDiagonal = 3.1e-7, gmmSpherical = 2.3e-7
    static let agglomerativeTree = 9.1e-9, agglomerativeCut = 1.0e-7
    static let birch = 2.3e-7
    static let dbscan = 4.9e-10
    static let autoencoder = 1.1e-9

    /// The estimated cost of `run` on its prepared feature set.
    public static func estimate(_ run: PlannedRun, on set: PreparedFeatureSet) -> RunCost {
        let n = Double(set.matrix.rows), d = Double(set.matrix.cols)
        let scored = Double(set.silhouetteRows?.count ?? set.matrix.rows)
        let p = run.parameters
        var cost = RunCost(seconds: overhead(n: n, d: d, scored: scored), shared: nil)
        switch run.algorithm.name {
        case "kmeans":
            let perUnit = p.string("init") == KMeans.Initialization.random.rawValue ? kmeansRandom : kmeansPlusPlus
            let iterations = Double(p.int("max_iter"))
            let cut = iterations < kmeansTypicalIterations ? iterations / kmeansTypicalIterations : 1
            cost.seconds += perUnit * n * d * k(p) * Double(p.int("n_init")) * cut
        case "gmm":
            let covariance = p.values["covariance"].flatMap(text) ?? "full"
            let perUnit = ["full": gmmFull, "tied": gmmTied, "diag": gmmDiagonal][covariance] ?? gmmSpherical
            let width = covariance == "full" || covariance == "tied" ? d * d : d
            cost.seconds += perUnit * n * k(p) * width * integer(p, "n_init", default: 1)
        case "agglomerative":
            cost.seconds += agglomerativeCut * n
            cost.shared = SharedWork(group: group(run), seconds: agglomerativeTree * n * n * d)
        case "birch":
            let threshold = max(p.values["threshold"].flatMap(real) ?? 0.5, 0.01)
            cost.seconds += birch * n * d / (threshold * threshold)
        case "dbscan":
            cost.seconds += dbscan * n * n * d
        case "ae_kmeans", "dec":
            let latent = integer(p, "latent", default: 8)
            var widths = [d]
            if case .ints(let hidden)? = p.values["hidden"] { widths += hidden.map(Double.init) } else { widths += [64, 32] }
            widths.append(latent)
            var weights = 0.0
            for i in 1 ..< widths.count { weights += widths[i - 1] * widths[i] }
            let passes = run.algorithm.name == "dec" ? 2.0 : 1.0
            // Encoder and decoder: twice the encoder's weights.
            cost.seconds += autoencoder * integer(p, "epochs", default: 50) * passes * n * 2 * weights
        default:
            cost.seconds += kmeansPlusPlus * n * d * k(p) * 10
        }
        return cost
    }

    /// What every run pays after its fit: metrics (the silhouette on `scored` rows) and artifacts.
    static func overhead(n: Double, d: Double, scored: Double) -> Double {
        overheadFixed + overheadPairs * scored * scored + overheadPairColumns * scored * scored * d + overheadLinear * n * d
    }

    /// Runs that can share a fit's expensive part: same algorithm, feature set and parameters but `k`.
    static func group(_ run: PlannedRun) -> String {
        var parameters = run.parameters.values
        parameters["k"] = nil
        let rest = JSONWriter.canonical(RunIdentity.paramsJSON(ResolvedParameters(parameters)))
        return "\(run.algorithm.name) \(run.featureSet.name) \(rest)"
    }

    /// `k`, or 8 where the algorithm has none (or it is `null`).
    private static func k(_ p: ResolvedParameters) -> Double { integer(p, "k", default: 8) }

    private static func integer(_ p: ResolvedParameters, _ name: String, default value: Int) -> Double {
        if case .int(let v)? = p.values[name] { return Double(v) }
        return Double(value)
    }

    private static func real(_ v: ParamValue) -> Double? {
        switch v {
        case .real(let x): return x
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    private static func text(_ v: ParamValue) -> String? {
        if case .string(let s) = v { return s }
        return nil
    }
}
