import Foundation
import XCTest
import SeglabTestSupport

final class AssignCommandTests: CLITestCase {
    /// `train.csv`: 90 customers in three tight blobs around (0, 0), (10, 10) and (20, 20),
    /// rows cycling through the blobs, with the blob as `seg`.
    func writeThreeBlobs() throws {
        var csv = "id,x,y,seg\n"
        for i in 0 ..< 90 {
            let c = Double(i % 3) * 10
            csv += "c\(i),\(c + Double(i % 7) * 0.1),\(c - Double(i % 5) * 0.1),\(i % 3)\n"
        }
        try write("train.csv", csv)
    }

    func testAssigningTheTrainingCustomersReproducesTheirLabels() throws {
        try writeThreeBlobs()
        try write("e.json", """
        {"name": "assign", "seed": 9, "data": {"customers_csv": {"path": "train.csv", "id": "id", "truth": "seg"}},
         "feature_sets": {"xy": {"columns": ["x", "y"], "scale": "robust"}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = ((try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]])[0]["id"] as! String)
        let r = try seglab("assign", id, "--input", "train.csv", "--out", "again.csv")
        XCTAssertEqual(r.status, 0, r.stderr)
        // The same labels as the run's, in the same order, with the segment's name and each
        // customer's distance to its centre.
        let again = try read("again.csv").split(separator: "\n")
        XCTAssertEqual(again.first, "customer_id,cluster,segment_name,distance")
        XCTAssertEqual(again.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") },
                       try read("results/assign/\(id)/labels.csv").split(separator: "\n").dropFirst().map(String.init))
        XCTAssertTrue(again.dropFirst().allSatisfy { Double($0.split(separator: ",")[3])! < 1 })

        // New customers near each centre join that centre's segment.
        try write("new.csv", "id,x,y,seg\nn0,0.2,-0.1,\nn1,10.3,9.8,\nn2,19.9,20.2,\n")
        XCTAssertEqual(try seglab("assign", id, "--input", "new.csv", "--out", "new_labels.csv").status, 0)
        let trained = try read("results/assign/\(id)/labels.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        let assigned = try read("new_labels.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        XCTAssertEqual(assigned, [trained[0], trained[1], trained[2]])

        // A model changed on disk, or gone, is refused, and `rerun` named as the way back.
        try write("results/assign/\(id)/model.json", "{}")
        let changed = try seglab("assign", id, "--input", "new.csv", "--out", "x.csv")
        XCTAssertEqual(changed.status, 1)
        XCTAssertTrue(changed.stderr.contains("differs from the ledger's sha256") && changed.stderr.contains("seglab rerun \(id)"), changed.stderr)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("results/assign/\(id)/model.json"))
        let gone = try seglab("assign", id, "--input", "new.csv", "--out", "x.csv")
        XCTAssertEqual(gone.status, 1)
        XCTAssertTrue(gone.stderr.contains("is missing or differs"), gone.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.csv").path))
    }

    func testNewCustomersAreClippedToTheRunsOutlierBounds() throws {
        try writeThreeBlobs()
        // Bounds on x are about [-1.7, 22.3]: no training value is outside them.
        try write("e.json", """
        {"name": "clip", "seed": 9, "data": {"customers_csv": {"path": "train.csv", "id": "id"}},
         "clean": {"outliers": {"method": "iqr", "factor": 0.1, "action": "clip"}},
         "feature_sets": {"xy": {"columns": ["x", "y"], "scale": "none"}},
         "algorithms": {"kmeans": {"k": 3}}}
        """)
        XCTAssertEqual(try seglab("run", "e.json").status, 0)
        let id = ((try json(try seglab("plan", "e.json", "--format", "json").stdout) as! [[String: Any]])[0]["id"] as! String)
        let trained = try read("results/clip/\(id)/labels.csv").split(separator: "\n").dropFirst().map { $0.split(separator: ",")[1] }
        // (1000, 0) is nearest the (20, 20) centre as it stands, but clipped to (≈22.3, 0) it
        // is nearest (10, 10): the run's customers were clipped the same way.
        try write("new.csv", "id,x,y,seg\nfar,1000,0,\n")
        XCTAssertEqual(try seglab("assign", id, "--input", "new.csv", "--out", "out.csv").status, 0)
        XCTAssertTrue(try read("out.csv").hasPrefix("customer_id,cluster,segment_name,distance\nfar,\(trained[1]),"))
    }
}
