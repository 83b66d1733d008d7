import CSeglabKernels

/// The instruction set of the C kernels behind `PackedCenters.nearestTwo`,
/// `PackedCenters.distances`, `Kernels.undecidedRows`, `Kernels.newBounds`,
/// `Kernels.addRows(…groups:…)` and `Kernels.segmentDistanceSums`: the widest the CPU and OS
/// support, chosen on first use. Every
/// level computes the same bits (lane-wise IEEE arithmetic, no fused multiply-add), so the
/// level only changes the speed. The environment variable `SEGLAB_KERNEL_LEVEL` (0, 1 or 2)
/// lowers it for a whole process, for comparisons; tests switch it with `use(_:)`.
public enum KernelLevel: Int32, Sendable, CaseIterable, Comparable {
    /// SSE2 on x86-64 (every CPU), the portable C elsewhere: blocks of 4 rows.
    case baseline = 0
    /// Blocks of 4 rows in one 256-bit register.
    case avx2 = 1
    /// Blocks of 8 rows in one 512-bit register.
    case avx512 = 2

    /// The level the kernels use now.
    public static var current: KernelLevel { KernelLevel(rawValue: seglab_kernel_level()) ?? .baseline }
    /// The widest level this CPU and OS support.
    public static var supported: KernelLevel { KernelLevel(rawValue: seglab_kernel_level_supported()) ?? .baseline }

    /// Uses `level`, or the widest supported below it; returns the level in use.
    @discardableResult
    public static func use(_ level: KernelLevel) -> KernelLevel {
        KernelLevel(rawValue: seglab_set_kernel_level(level.rawValue)) ?? .baseline
    }

    public var name: String {
        switch self {
        case .baseline: "baseline"
        case .avx2: "AVX2"
        case .avx512: "AVX-512"
        }
    }

    public static func < (a: KernelLevel, b: KernelLevel) -> Bool { a.rawValue < b.rawValue }
}
