import SeglabNumerics

/// Sum of squared Euclidean distances from each clustered row (label ≥ 0) to the mean of
/// its label: comparable across algorithms (SPEC §4), noise excluded.
public func inertia(x: Matrix, labels: [Int]) -> MetricResult {
    precondition(labels.count == x.rows)
    let groups = LabelGroups(labels)
    guard !groups.classes.isEmpty else { return .undefined("no clustered rows") }
    return .defined(ClusterGeometry(x, groups).squaredResiduals)
}
