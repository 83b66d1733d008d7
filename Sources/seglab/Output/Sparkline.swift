/// A curve as one line of block characters, lowest value ▁, highest █; at most `width`
/// characters (longer series are averaged into equal buckets, in order).
enum Sparkline {
    static func text(_ values: [Double], width: Int = 40) -> String {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), !values.isEmpty else { return "" }
        let buckets = min(width, values.count)
        let levels = Array("▁▂▃▄▅▆▇█")
        return String((0 ..< buckets).map { b -> Character in
            let part = values[b * values.count / buckets ..< (b + 1) * values.count / buckets].filter(\.isFinite)
            guard !part.isEmpty else { return " " }
            let v = part.reduce(0, +) / Double(part.count)
            let level = hi > lo ? Int(((v - lo) / (hi - lo) * Double(levels.count - 1)).rounded()) : 0
            return levels[level]
        })
    }
}
