import Foundation
import SeglabClustering

/// The machine's memory as the runner sees it.
struct MachineMemory: Sendable {
    /// Physical memory, in bytes.
    var physical: @Sendable () -> UInt64
    /// Memory available to new work now (Linux's `MemAvailable`), in bytes; nil where the system does not say.
    var available: @Sendable () -> UInt64?

    static let system = MachineMemory(physical: { ProcessInfo.processInfo.physicalMemory }, available: {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ UInt64($0) }) else { return nil }
        return kib * 1024
    })
}

/// Refuses runs whose memory estimate (`ClusteringAlgorithm.memoryEstimate`) does not fit, so a
/// run is recorded `failed` with the estimate in its reason instead of being killed by the system:
/// before the grid starts against the machine's physical memory, and just before each run starts
/// against the memory available then.
struct MemoryGuard: Sendable {
    var memory: MachineMemory

    /// Why `run` cannot fit in the machine's physical memory, or nil.
    func refusalBeforeGrid(_ run: PlannedRun, on set: PreparedFeatureSet) -> String? {
        refusal(run, on: set, limit: memory.physical(), "this machine's \(Self.size(memory.physical())) of memory")
    }

    /// Why `run` cannot fit in the memory available now, or nil (also when the system does not say).
    func refusalNow(_ run: PlannedRun, on set: PreparedFeatureSet) -> String? {
        guard let available = memory.available() else { return nil }
        return refusal(run, on: set, limit: available, "the \(Self.size(available)) of memory available now")
    }

    static func estimate(_ run: PlannedRun, on set: PreparedFeatureSet) -> Int {
        run.algorithm.memoryEstimate(rows: set.matrix.rows, cols: set.matrix.cols, parameters: run.parameters)
    }

    private func refusal(_ run: PlannedRun, on set: PreparedFeatureSet, limit: UInt64, _ what: String) -> String? {
        let estimate = Self.estimate(run, on: set)
        guard estimate > 0, UInt64(estimate) > limit else { return nil }
        var reason = "refused before starting: \(run.algorithm.name) on \(set.matrix.rows) × \(set.matrix.cols) needs an "
            + "estimated \(Self.size(UInt64(estimate))) of memory, more than \(what)"
        if let advice = run.algorithm.memoryAdvice { reason += "; \(advice)" }
        return reason
    }

    /// Bytes in the largest of GiB, MiB, KiB that keeps a unit or more, one decimal.
    static func size(_ bytes: UInt64) -> String {
        for (unit, scale) in [("GiB", 1 << 30), ("MiB", 1 << 20)] where bytes >= scale {
            return String(format: "%.1f %@", Double(bytes) / Double(scale), unit)
        }
        return String(format: "%.1f KiB", Double(bytes) / 1024)
    }
}
