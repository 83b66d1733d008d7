import Foundation
import SeglabData
import SeglabMetrics

/// How well a run fitted on an earlier period predicts the segments of customers who arrive
/// later (`seglab predict-check`): the customers whose first event is on or after `since`
/// are assigned with the earlier run's model from their events of their first `days` days,
/// and compared with their segments in a run on the whole period (its `labels.csv`).
public enum InterestCheck {
    public struct Result: Sendable, Equatable {
        /// New customers assigned, and those of them the whole-period run has.
        public var assigned: Int
        public var compared: Int
        /// Accuracy after matching segments (`matchedAccuracy`) and adjusted Rand index.
        public var accuracy: Double
        public var ari: Double
    }

    /// `model`: the earlier run's `model.json` (a tables run); `tablePaths`: its recorded
    /// files, whose events file is read again without its `until`; `wholeLabels`: the
    /// whole-period run's `labels.csv`.
    public static func check(model: [UInt8], modelFile: String, tablePaths: [String: String], since: String, days: Int,
                             wholeLabels: String) throws -> Result {
        guard let events = tablePaths["events"] else {
            throw DataError(file: modelFile, "predict-check needs a run of a tables source (data.tables) fitted with events.until")
        }
        let assigned = try Assignment.assign(try Assignment.Model(json: model, file: modelFile), input: .file(events),
                                             tables: .init(paths: tablePaths, firstEvents: FirstEvents(since: since, days: days)))
        let (header, rows) = try CSVRecords.read(path: wholeLabels)
        guard header.count >= 2, header[0] == Assignment.customerIDColumn, header[1] == "cluster" else {
            throw DataError(file: wholeLabels, "not a labels.csv (customer_id,cluster)")
        }
        var whole: [String: Int] = [:]
        for row in rows { whole[row[0]] = Int(row[1]) }
        var reference: [Int] = [], predicted: [Int] = []
        for (id, label) in zip(assigned.ids, assigned.labels) {
            guard let w = whole[id] else { continue }
            reference.append(w)
            predicted.append(label)
        }
        guard !reference.isEmpty else {
            throw DataError(file: wholeLabels, "none of the \(assigned.ids.count) new customers is in the whole-period run")
        }
        return Result(assigned: assigned.ids.count, compared: reference.count,
                      accuracy: matchedAccuracy(reference: reference, predicted: predicted).value ?? .nan,
                      ari: adjustedRandIndex(truth: reference, predicted: predicted).value ?? .nan)
    }
}
