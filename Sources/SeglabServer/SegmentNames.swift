import SeglabData

/// Segment names, where a run's `profile.csv` has them: a `segment_name` column beside
/// `cluster` (one name per cluster; an empty cell names none). Profiles written before names
/// existed have no such column, and the answers then carry no `segment_name`.
enum SegmentNames {
    static let column = "segment_name"

    /// Names by cluster id; empty when the file is absent, unreadable or has no names.
    static func read(_ profilePath: String?) -> [Int: String] {
        guard let profilePath, let (header, rows) = try? CSVRecords.read(path: profilePath),
              let cluster = header.firstIndex(of: "cluster"), let name = header.firstIndex(of: column) else { return [:] }
        var names: [Int: String] = [:]
        for row in rows where !row[name].isEmpty {
            if let id = Int(row[cluster]) { names[id] = row[name] }
        }
        return names
    }
}
