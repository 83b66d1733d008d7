/// Descriptive names for the segments of one run, from their traits (`SegmentTrait`).
///
/// 1. A segment is named by its strong traits (|z| ≥ 0.5), strongest first, at most three,
///    joined by " · ": "high value · frequent · recent". A segment without a strong trait is
///    "typical"; the noise cluster (-1) is "noise".
/// 2. Segments that would share a name each take their next trait, weaker ones included
///    (down to |z| 0.1), until the names differ or the traits run out; a name that became
///    equal to another segment's takes part in the next round the same way.
/// 3. Names still shared get a numeral in cluster order: "typical (1)", "typical (2)".
///
/// The names are a pure function of the profiles (the same profiles always get the same
/// names) and no two segments of a run share one.
enum SegmentNaming {
    static let noise = "noise"
    static let typical = "typical"
    static let separator = " · "
    static let maxTraits = 3

    /// One name per segment, in the order given.
    static func names(_ segments: [(cluster: Int, traits: [SegmentTrait])]) -> [String] {
        var used = segments.map { s in min(maxTraits, s.traits.prefix { $0.strength >= SegmentTrait.strong }.count) }
        func name(_ i: Int) -> String {
            if segments[i].cluster == -1 { return noise }
            return used[i] == 0 ? typical : segments[i].traits.prefix(used[i]).map(\.word).joined(separator: separator)
        }
        func shared() -> [[Int]] {
            var byName: [String: [Int]] = [:]
            for i in segments.indices { byName[name(i), default: []].append(i) }
            // Sorted by first member, so no dictionary order shows.
            return byName.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
        }
        while true {
            let extendable = shared().joined().filter { segments[$0].cluster != -1 && used[$0] < segments[$0].traits.count }
            if extendable.isEmpty { break }
            for i in extendable { used[i] += 1 }
        }
        var names = segments.indices.map(name)
        for group in shared() {
            for (n, i) in group.enumerated() { names[i] += " (\(n + 1))" }
        }
        return names
    }
}
