/// A deep model's per-epoch losses: the `loss.csv` artifact.
///
///     stage,epoch,loss,label_change
///     autoencoder,1,0.4127…,
///     dec,1,0.0213…,0.0041
///
/// `stage` is `autoencoder` (mean squared reconstruction error, the epoch's batches weighted
/// by size) or `dec` (mean KL(P‖Q) of the epoch's batches, and the fraction of labels that
/// changed at the epoch's last target update). An empty cell is a value the epoch has not.
public struct TrainingCurve: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var stage: String
        public var epoch: Int
        public var loss: Double?
        public var labelChange: Double?

        public init(stage: String, epoch: Int, loss: Double?, labelChange: Double? = nil) {
            self.stage = stage; self.epoch = epoch; self.loss = loss; self.labelChange = labelChange
        }
    }

    public static let artifactName = "loss.csv"
    static let header = "stage,epoch,loss,label_change"

    public var points: [Point]

    public init(points: [Point] = []) { self.points = points }

    public mutating func append(_ stage: String, epoch: Int, loss: Double?, labelChange: Double? = nil) {
        points.append(Point(stage: stage, epoch: epoch, loss: loss, labelChange: labelChange))
    }

    /// The CSV, floats in shortest round-trip form.
    public var csv: [UInt8] {
        var out = Self.header + "\n"
        for p in points {
            out += "\(p.stage),\(p.epoch),\(p.loss.map { $0.description } ?? ""),\(p.labelChange.map { $0.description } ?? "")\n"
        }
        return Array(out.utf8)
    }

    /// Reads a `loss.csv`; nil when it is not one.
    public init?(csv bytes: [UInt8]) {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first == Substring(Self.header) else { return nil }
        var points = [Point]()
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            guard cells.count == 4, let epoch = Int(cells[1]) else { return nil }
            func real(_ s: Substring) -> Double?? { s.isEmpty ? .some(nil) : Double(s).map { .some($0) } }
            guard let loss = real(cells[2]), let change = real(cells[3]) else { return nil }
            points.append(Point(stage: String(cells[0]), epoch: epoch, loss: loss, labelChange: change))
        }
        self.points = points
    }
}
