import SeglabCharts
import SeglabRunner

/// How segments look in every chart of a run: one colour per segment (Okabe–Ito, in cluster
/// order; noise grey), and a label "cluster: name".
enum SegmentStyle {
    static let noise = Color(hex: "#999999")

    static func colors(_ profile: Profile) -> [Color] {
        let segments = profile.clusters.filter { $0.cluster != -1 }.count
        var palette = Palette.categorical(segments).makeIterator()
        return profile.clusters.map { $0.cluster == -1 ? noise : palette.next()! }
    }

    static func label(_ c: Profile.Cluster) -> String { "\(c.cluster): \(c.name)" }
}
