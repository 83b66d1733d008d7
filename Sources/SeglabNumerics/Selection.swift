/// Order statistics by selection (Hoare's quickselect with a median-of-three pivot), O(n)
/// instead of a full sort: the profile of a million customers takes a median per column and
/// cluster, and sorting every column was a tenth of a K-Means run. The value found is the
/// one a sort would put at that position, so nothing downstream can tell the difference.
public enum Selection {
    /// The middle value of `a` (the mean of the two middle values for an even count); `a` must
    /// be non-empty and free of NaN, and is scratch: left rearranged, some values overwritten
    /// by copies of others.
    public static func median(inPlace a: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(!a.isEmpty, "the median of nothing")
        let m = a.count / 2, even = a.count % 2 == 0
        if a.count >= sampledFrom, let found = sampledMedian(a, m, even: even) { return found }
        return middle(a, rank: m, even: even)
    }

    /// From this many values on, `median` first looks between two values that a sample of the
    /// data puts on either side of the middle (Floyd and Rivest's idea): one branch-free pass
    /// keeps the few values between them and counts those below, and the selection runs on the
    /// few. Hoare's partition on a million unordered values mispredicts about every other
    /// branch; this pass has none.
    static let sampledFrom = 4096

    /// The median from the values between two sample quantiles, or nil (`a` untouched) when
    /// the middle ranks are not among them. The sample is every (n / 1024)-th value: a fixed
    /// choice, no random draw, which only decides how many values are kept, never the answer.
    static func sampledMedian(_ a: UnsafeMutableBufferPointer<Double>, _ m: Int, even: Bool) -> Double? {
        let n = a.count, s = 1024, reach = 48
        var sample = (0 ..< s).map { a[$0 * n / s] }
        sample.sort()
        let centre = m * s / n
        let lo = sample[max(centre - reach, 0)], hi = sample[min(centre + reach, s - 1)]
        let p = a.baseAddress!
        // Counted four lanes at a time: a scalar `v < lo ? 1 : 0` became a branch.
        let lo4 = SIMD4(repeating: lo), hi4 = SIMD4(repeating: hi), one = SIMD4<Int64>(repeating: 1)
        var below4 = SIMD4<Int64>.zero, kept4 = SIMD4<Int64>.zero
        var i = 0
        while i &+ 4 <= n {
            let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
            below4 &+= SIMD4.zero.replacing(with: one, where: v .< lo4)
            kept4 &+= SIMD4.zero.replacing(with: one, where: (v .>= lo4) .& (v .<= hi4))
            i &+= 4
        }
        var below = Int(below4.wrappedSum()), count = Int(kept4.wrappedSum())
        for v in a[i...] {
            if v < lo { below += 1 } else if v <= hi { count += 1 }
        }
        // Ranks m, and m − 1 for an even count, must be among the kept values.
        guard below <= (even ? m - 1 : m), m < below + count else { return nil }
        // The kept values to the front, each written over a value already read (no load waits on
        // a store, as it would in a swapping partition).
        count = 0
        for i in 0 ..< n {
            let v = p[i]
            p[count] = v
            count &+= (v >= lo ? 1 : 0) & (v <= hi ? 1 : 0)
        }
        return middle(UnsafeMutableBufferPointer(start: p, count: count), rank: m - below, even: even)
    }

    /// The value a sort puts at `rank` (which `a` is rearranged for), averaged with the one
    /// before it when `even`.
    static func middle(_ a: UnsafeMutableBufferPointer<Double>, rank m: Int, even: Bool) -> Double {
        let upper = select(a, m)
        guard even else { return upper }
        // Everything before position m is at most a[m]: the largest of it is the lower middle.
        var lower = a[0]
        for i in 1 ..< m where a[i] > lower { lower = a[i] }
        return (lower + upper) / 2
    }

    /// Rearranges `a` so that `a[k]` is the value a sort would put there, everything before
    /// it is not greater and everything after it not smaller; returns `a[k]`. Falls back to a
    /// sort of the remaining range after 2·log₂(n) + 8 rounds, so adversarial orders stay
    /// O(n log n).
    @discardableResult
    public static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
        precondition(a.indices.contains(k))
        var lo = 0, hi = a.count - 1
        var rounds = 2 * (Int.bitWidth - a.count.leadingZeroBitCount) + 8
        while lo < hi {
            rounds -= 1
            if rounds == 0 {
                var rest = UnsafeMutableBufferPointer(rebasing: a[lo ... hi])
                rest.sort()
                break
            }
            let pivot = medianOfThree(a[lo], a[lo + (hi - lo) / 2], a[hi])
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // a[lo...j] ≤ pivot ≤ a[i...hi], and everything strictly between equals the pivot.
            if k <= j { hi = j } else if k >= i { lo = i } else { break }
        }
        return a[k]
    }

    @inline(__always)
    static func medianOfThree(_ x: Double, _ y: Double, _ z: Double) -> Double {
        max(min(x, y), min(max(x, y), z))
    }
}
