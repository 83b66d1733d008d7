import Foundation
import SeglabClustering
import SeglabData
import SeglabMetrics
import SeglabNumerics

/// `seglab-bench deep [--data PATH] [--epochs N] [--dec-epochs N] [--seed S] [--workers N] [--set NAME=VALUE]…
/// [--only ae_kmeans|dec] [--json]`: the
/// anchors' PyTorch workload (`../shared/anchors/torch_ae.py`) through seglab's own
/// algorithms: the 8 features StandardScaler-ed (no log transform, as PyTorch saw them), the
/// network 8→64→32→4→32→64→8, batch 256, Adam 1e-3; `ae_kmeans` (k = 5, n_init 10) for the
/// autoencoder epochs, then `dec` with the same pretraining and `--dec-epochs` epochs of
/// SGD (0.01, momentum 0.9; tol 0 so every epoch runs). Epoch times are the gaps between the
/// fits' own checkpoints (an autoencoder epoch ends at its `epoch` checkpoint; a DEC epoch runs
/// from its `dec` checkpoint to the next, its target update included, as PyTorch's).
/// `--set` overrides a parameter of whichever fit declares it (a number, or a comma list such
/// as `hidden=32,16`), for recipe studies on fixed seeds; `--only` runs one of the two fits.
/// `benchmarks/deep_vs_torch.py` runs this and PyTorch back to back.
func deepBenchmark(arguments: [String]) throws {
    var path = "/tmp/anchors_data/customers_100k.csv"
    var epochs = 20, decEpochs = 20, seed: UInt64 = 0, json = false, workers: Int?, only: String?
    var overrides = [String: ParamValue]()
    var rest = arguments[...]
    while let a = rest.popFirst() {
        switch a {
        case "--data": path = rest.popFirst() ?? path
        case "--epochs": epochs = rest.popFirst().flatMap(Int.init) ?? epochs
        case "--dec-epochs": decEpochs = rest.popFirst().flatMap(Int.init) ?? decEpochs
        case "--seed": seed = rest.popFirst().flatMap(UInt64.init) ?? seed
        case "--json": json = true
        case "--workers": workers = rest.popFirst().flatMap(Int.init)
        case "--only": only = rest.popFirst()
        case "--set":
            guard let pair = rest.popFirst(), let eq = pair.firstIndex(of: "=") else { fail("--set wants NAME=VALUE") }
            let value = String(pair[pair.index(after: eq)...])
            if value.contains(",") {
                overrides[String(pair[..<eq])] = .ints(value.split(separator: ",").map { part -> Int in
                    guard let i = Int(part) else { fail("bad list \(value)") }
                    return i
                })
            } else if let i = Int(value) {
                overrides[String(pair[..<eq])] = .int(i)
            } else if let r = Double(value) {
                overrides[String(pair[..<eq])] = .real(r)
            } else {
                fail("bad value \(value)")
            }
        default: fail("unknown argument \(a)")
        }
    }
    let features = ["recency_days", "frequency", "monetary", "avg_basket", "tenure_days", "distinct_products",
                    "return_rate", "days_between_orders"]
    let table = try DataLoader.load(.customersCSV(CustomersCSVSource(path: path, id: "customer_id", truth: "true_segment")),
                                    cleaning: CleaningRules(), usedColumns: Set(features))
    let (_, x) = try FeaturePipeline.fit(FeatureSetDefinition(name: "all", columns: features, scale: .standard), on: table)
    let truth = table.truth!.map { Int($0)! }
    let common: [String: ParamValue] = ["k": .int(5), "hidden": .ints([64, 32]), "latent": .int(4), "batch_size": .int(256),
                                        "learning_rate": .real(1e-3), "n_init": .int(10)]
    if !json { print("data: \(path) (\(x.rows) × \(x.cols)), standard-scaled; \(epochs) autoencoder epochs, \(decEpochs) DEC epochs") }

    // The given parameters, then the overrides each fit declares.
    func parameters<A: ClusteringAlgorithm>(_: A.Type, _ given: [String: ParamValue]) -> [String: ParamValue] {
        let declared = Set(A.parameters.map(\.name))
        return common.merging(given) { a, _ in a }.merging(overrides.filter { declared.contains($0.key) }) { _, b in b }
    }
    let ae = only == "dec" ? nil : try timedFit(AutoencoderKMeans.self, parameters(AutoencoderKMeans.self, ["epochs": .int(epochs)]),
                                                x, seed: seed, workers: workers)
    let dec = only == "ae_kmeans" ? nil : try timedFit(DEC.self, parameters(DEC.self, ["pretrain_epochs": .int(epochs), "epochs": .int(decEpochs),
                                                                                        "tol": .real(0)]),
                                                       x, seed: seed, workers: workers)
    var result: [(String, Double)] = []
    if let ae {
        let epochs = ae.gaps(stage: "epoch")
        result += [("ae_epoch_median_s", median(epochs)), ("ae_total_s", epochs.reduce(0, +)),
                   ("ae_epoch_cpu_s", median(ae.gaps(stage: "epoch", cpu: true))),
                   ("ae_kmeans_ari", adjustedRandIndex(truth: truth, predicted: ae.labels).value!),
                   ("ae_final_mse", ae.metrics["reconstruction_loss"]!)]
    }
    if let dec {
        let epochs = dec.gaps(stage: "dec")
        result += [("dec_epoch_median_s", median(epochs)), ("dec_total_s", epochs.reduce(0, +)),
                   ("dec_epoch_cpu_s", median(dec.gaps(stage: "dec", cpu: true))),
                   ("dec_ari", adjustedRandIndex(truth: truth, predicted: dec.labels).value!),
                   ("dec_n_iter", dec.metrics["n_iter"]!)]
    }
    result.append(("workers", Double(workers ?? ProcessInfo.processInfo.activeProcessorCount)))
    // Both fits' bits (models as model.json encodes them, and labels): equal fingerprints
    // show that two builds (e.g. `-target-cpu haswell` and the default) compute the same run.
    let fingerprint = String((ae?.fingerprint ?? 0) ^ ((dec?.fingerprint ?? 0) &* 0x9E37_79B9_7F4A_7C15), radix: 16)
    if json {
        print("{" + result.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + ", \"fingerprint\": \"\(fingerprint)\"}")
    } else {
        for (name, value) in result { print(name.padding(toLength: 20, withPad: " ", startingAt: 0), value) }
        print("fingerprint".padding(toLength: 20, withPad: " ", startingAt: 0), fingerprint)
    }
}

private struct TimedFit {
    struct Mark { var stage: String?; var wall: Double; var cpu: Double }
    var labels: [Int]
    var metrics: [String: Double]
    /// FNV-1a of the model's sorted-keys JSON and the labels.
    var fingerprint: UInt64
    /// Every checkpoint, then "end": seconds since the fit started, wall clock and process CPU.
    var marks: [Mark]

    /// Seconds of each `stage` epoch. An autoencoder epoch (`epoch`) ends at its checkpoint;
    /// a DEC epoch (`dec`) runs from its checkpoint to the next one (or the end of the fit).
    func gaps(stage: String, cpu: Bool = false) -> [Double] {
        let t = marks.map { cpu ? $0.cpu : $0.wall }
        let idx = marks.indices.filter { marks[$0].stage == stage }
        if stage == "epoch" {
            return idx.enumerated().map { n, i in t[i] - (n == 0 ? 0 : t[idx[n - 1]]) }
        }
        return idx.enumerated().map { n, i in (n + 1 < idx.count ? t[idx[n + 1]] : t[t.count - 1]) - t[i] }
    }
}

private final class Marks: @unchecked Sendable { var list = [TimedFit.Mark]() }

/// CPU seconds of every thread of the process so far (user + system); wall time alone
/// misleads on a busy machine.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

private func timedFit<A: ClusteringAlgorithm>(_ type: A.Type, _ given: [String: ParamValue], _ x: Matrix, seed: UInt64,
                                              workers: Int?) throws -> TimedFit {
    let marks = Marks()
    let wall0 = DispatchTime.now().uptimeNanoseconds, cpu0 = processCPUSeconds()
    let mark = { @Sendable (stage: String?) in
        marks.list.append(.init(stage: stage, wall: Double(DispatchTime.now().uptimeNanoseconds - wall0) / 1e9,
                                cpu: processCPUSeconds() - cpu0))
    }
    let context = FitContext(progress: { mark($0.stage) }, workers: workers)
    var rng = Xoshiro256StarStar(seed: seed, stream: "fit")
    let fit = try A(parameters: A.resolve(given)).fit(x, rng: &rng, context: context)
    mark("end")
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in try encoder.encode(fit.model) + Array("\(fit.labels)".utf8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
    return TimedFit(labels: fit.labels, metrics: fit.metrics, fingerprint: hash, marks: marks.list)
}
