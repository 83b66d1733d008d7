/// Order statistics by selection (Hoare's quickselect with a median-of-three pivot), O(n)
/// instead of a full sort: the profile of a million customers takes a median per column and
/// cluster, and sorting every column was a tenth of a K-Means run. The value found is the
/// one a sort would put at that position, so nothing downstream can tell the difference.
public enum Selection {
    /// The middle value of `a` (the mean of the two middle values for an even count), which it
    /// rearranges; `a` must be non-empty and free of NaN.
    public static func median(inPlace a: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(!a.isEmpty, "the median of nothing")
        let m = a.count / 2
        let upper = select(a, m)
        guard a.count % 2 == 0 else { return upper }
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
