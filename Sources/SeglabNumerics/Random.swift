/// SplitMix64 (Steele, Lea & Flood 2014): turns one 64-bit seed into a stream of
/// well-mixed words. seglab uses it only to seed `Xoshiro256StarStar`.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna 2018), the generator behind every random choice in
/// seglab. Its state is four words filled by SplitMix64 from a 64-bit seed.
///
/// A run derives independent streams by name, so adding a random draw in one place (say,
/// silhouette sampling) never shifts the draws of another (say, K-Means initialisation):
///
///     var rng = Xoshiro256StarStar(seed: runSeed, stream: "kmeans.init")
///     let u = rng.nextDouble()          // uniform in [0, 1)
///     let i = rng.nextInt(below: 10)    // uniform in 0..<10
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// A stream named `stream` of the generator seeded with `seed`: the seed is mixed with
    /// the FNV-1a 64-bit hash of the name's UTF-8 bytes.
    public init(seed: UInt64, stream: String) {
        self.init(seed: seed ^ Xoshiro256StarStar.fnv1a(stream))
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Xoshiro256StarStar.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Xoshiro256StarStar.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in `0 ..< n` without modulo bias (Lemire's multiply-and-reject).
    public mutating func nextInt(below n: Int) -> Int {
        precondition(n > 0)
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// Standard normal by the Box–Muller transform (one value per call; the pair's sine
    /// half is discarded so a draw never depends on call history beyond the state).
    public mutating func nextGaussian() -> Double {
        var u1 = nextDouble()
        while u1 == 0 { u1 = nextDouble() }
        let u2 = nextDouble()
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// `k` distinct indices from `0 ..< n`, in ascending order (partial Fisher–Yates). The
    /// permutation is kept sparse — only the positions a swap moved are stored — so drawing
    /// k rows of a million costs O(k), with the draws of a full array's shuffle.
    public mutating func sampleIndices(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n)
        var moved = [Int: Int](minimumCapacity: 2 * k)
        var out = [Int]()
        out.reserveCapacity(k)
        for i in 0 ..< k {
            let j = i + nextInt(below: n - i)
            let atJ = moved[j] ?? j
            moved[j] = moved[i] ?? i
            out.append(atJ)
        }
        return out.sorted()
    }

    /// `k` distinct indices from `0 ..< n`, in ascending order, by Floyd's algorithm: k draws
    /// and O(k) memory whatever `n` is (a sample of 20,000 from a million customers never
    /// builds a million-entry permutation).
    public mutating func sampleSortedIndices(_ k: Int, from n: Int) -> [Int] {
        precondition(k >= 0 && k <= n)
        var chosen = Set<Int>(minimumCapacity: k)
        for j in (n - k) ..< n {
            let t = nextInt(below: j + 1)
            if !chosen.insert(t).inserted { chosen.insert(j) }
        }
        // Sorted, so the hash set's per-process iteration order never shows.
        return chosen.sorted()
    }

    /// Shuffles `array` in place (Fisher–Yates, from the back).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, nextInt(below: i + 1))
        }
    }
}
