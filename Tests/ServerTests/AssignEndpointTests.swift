import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import SeglabTestSupport
@testable import SeglabServer

/// `POST /runs/{id}/assign` against `seglab assign` on the same customers.
final class AssignEndpointTests: XCTestCase {
    let csv = ["Content-Type": "text/csv", "Accept": "text/csv"]

    func testTheAnswerIsTheCommandsOutputByteForByte() async throws {
        let f = try await SharedServer.shared.get()
        let id = try f.runID(k: 3)
        let assign = try f.seglab("assign", id, "--input", "customers.csv", "--out", "cli.csv")
        XCTAssertEqual(assign.status, 0, assign.stderr)
        let expected = try Data(contentsOf: f.dir.appendingPathComponent("cli.csv"))
        let customers = try Data(contentsOf: f.dir.appendingPathComponent("customers.csv"))
        let loadsBefore = f.server.server.modelLoads

        let served = try await f.client.send("POST", "/runs/\(id)/assign", body: customers, headers: csv)
        XCTAssertEqual(served.status, 200, served.text)
        XCTAssertEqual(served.headers["content-type"], "text/csv; charset=utf-8")
        XCTAssertEqual(served.body, expected, "CSV body, CSV answer: seglab assign's file")

        // The same customers as JSON objects (numbers as the CSV writes them) give the same answer.
        let lines = String(decoding: customers, as: UTF8.self).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        let objects = lines.dropFirst().map { line in
            "{" + zip(header, line.split(separator: ",", omittingEmptySubsequences: false)).map { name, cell in
                "\"\(name)\": " + (name == "customer_id" ? "\"\(cell)\"" : String(cell))
            }.joined(separator: ", ") + "}"
        }
        let body = Data(("[" + objects.joined(separator: ",\n") + "]").utf8)
        let fromJSON = try await f.client.send("POST", "/runs/\(id)/assign", body: body,
                                               headers: ["Content-Type": "application/json", "Accept": "text/csv"])
        XCTAssertEqual(fromJSON.status, 200, fromJSON.text)
        XCTAssertEqual(fromJSON.body, expected, "JSON body, CSV answer: seglab assign's file")

        // The JSON answer carries the same labels and distances.
        let reply = try await f.client.send("POST", "/runs/\(id)/assign", body: customers, headers: ["Content-Type": "text/csv"])
        let answer = try reply.object()
        XCTAssertEqual(answer["run_id"] as? String, id)
        XCTAssertEqual(answer["algorithm"] as? String, "kmeans")
        XCTAssertEqual(answer["score"] as? String, "distance")
        let items = try XCTUnwrap(answer["assignments"] as? [[String: Any]])
        XCTAssertEqual(answer["count"] as? Int, 600)
        let written = String(decoding: expected, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(written[0], "customer_id,cluster,segment_name,distance")
        let rows = written.dropFirst().map { $0.split(separator: ",") }
        XCTAssertEqual(items.count, rows.count)
        for (item, row) in zip(items, rows) {
            XCTAssertEqual(item["customer_id"] as? String, String(row[0]))
            XCTAssertEqual(item["cluster"] as? Int, Int(row[1]))
            XCTAssertEqual(item["segment_name"] as? String, String(row[2]), "the profile's name of the segment")
        }
        // Distances compared as text: Foundation's JSON reader on Linux can be 1 ulp off.
        let distances = reply.text.components(separatedBy: "\"distance\":").dropFirst().map { $0.prefix { $0 != "," && $0 != "}" } }
        XCTAssertEqual(distances.map { Double($0) }, rows.map { Double($0[3]) })
        XCTAssertEqual(f.server.server.modelLoads, loadsBefore + 1, "the model is read once, then served from memory")
    }

    func testBadRowsAreNamedAsTheCommandNamesThem() async throws {
        let f = try await SharedServer.shared.get()
        let id = try f.runID(k: 6)
        let bad = "customer_id,recency_days,frequency,monetary\nc1,10,2,100.5\nc2,20,x3,50\n"
        try Data(bad.utf8).write(to: f.dir.appendingPathComponent("bad.csv"))
        let cli = try f.seglab("assign", id, "--input", "bad.csv", "--out", "never.csv")
        XCTAssertEqual(cli.status, 2)

        let served = try await f.client.send("POST", "/runs/\(id)/assign", body: Data(bad.utf8), headers: csv)
        XCTAssertEqual(served.status, 400)
        let error = try XCTUnwrap(try served.object()["error"] as? [String: Any])
        XCTAssertEqual(error["row"] as? Int, 3)
        XCTAssertEqual(error["column"] as? String, "frequency")
        let message = try served.message()
        XCTAssertEqual("error: " + message.replacingOccurrences(of: "request body", with: f.dir.appendingPathComponent("bad.csv").path) + "\n",
                       cli.stderr)

        let json = #"[{"customer_id": "c1", "recency_days": 10, "frequency": 2, "monetary": 100.5},"#
            + #" {"customer_id": "c2", "recency_days": 20, "frequency": "x3", "monetary": 50}]"#
        let fromJSON = try await f.client.send("POST", "/runs/\(id)/assign", body: Data(json.utf8), headers: ["Content-Type": "application/json"])
        XCTAssertEqual(fromJSON.status, 400)
        let jsonError = try XCTUnwrap(try fromJSON.object()["error"] as? [String: Any])
        XCTAssertEqual(jsonError["index"] as? Int, 1)
        XCTAssertEqual(jsonError["field"] as? String, "frequency")
        XCTAssertEqual(try fromJSON.message(), "request body: at [1].frequency: 'x3' is not a number (the column's first value is numeric)")

        for (body, message) in [
            (#"{"customer_id": "c1"}"#, "request body: expected a JSON array of objects (one per customer), got an object"),
            (#"[{"customer_id": "c1", "recency_days": true, "frequency": 1, "monetary": 2}]"#,
             "request body: at [0].recency_days: expected a string, a number or null, got a boolean"),
            (#"[{"customer_id": "c1"}, 7]"#, "request body: at [1]: expected an object (one customer), got an integer"),
            (#"[{"customer_id": "c1", "frequency": 1, "monetary": 2}]"#, "request body, field 'recency_days': is not a column of the file; candidate feature columns: frequency, monetary"),
            ("[{", "request body: invalid JSON at line 1, column 3: "),
        ] {
            let r = try await f.client.send("POST", "/runs/\(id)/assign", body: Data(body.utf8), headers: ["Content-Type": "application/json"])
            XCTAssertEqual(r.status, 400, body)
            XCTAssertTrue(try r.message().hasPrefix(message), "\(body): \(r.text)")
        }
    }

    func testRunsWithoutAModelAndOtherMediaTypes() async throws {
        let f = try await SharedServer.shared.get()
        let failed = try XCTUnwrap(try f.runs().first { $0["status"] as? String == "failed" }?["id"] as? String)
        let customers = try Data(contentsOf: f.dir.appendingPathComponent("customers.csv"))
        let noModel = try await f.client.send("POST", "/runs/\(failed)/assign", body: customers, headers: csv)
        XCTAssertEqual(noModel.status, 409)
        XCTAssertEqual(try noModel.message(), "run \(failed) is not completed: it has no model to assign with")
        let unknown = try await f.client.send("POST", "/runs/0000zz/assign", body: customers, headers: csv)
        XCTAssertEqual(unknown.status, 404)
        let text = try await f.client.send("POST", "/runs/\(try f.runID(k: 2))/assign", body: customers, headers: ["Content-Type": "text/plain"])
        XCTAssertEqual(text.status, 415)
        XCTAssertEqual(try text.message(), "send the customers as Content-Type: text/csv (the run's source format) "
            + "or application/json (an array of objects keyed by its columns); got text/plain")
    }

    /// A run whose `model.json` or `profile.csv` no longer has the ledger's SHA-256 is refused
    /// with 409, as `seglab assign` refuses it, and served again once the file is restored.
    func testChangedModelOrProfileIsRefused() async throws {
        let f = try await SharedServer.shared.get()
        let customers = try Data(contentsOf: f.dir.appendingPathComponent("customers.csv"))
        for (k, file) in [(6, "model.json"), (5, "profile.csv")] {
            let id = try f.runID(k: k, initialisation: "random")
            let url = f.dir.appendingPathComponent("results/small/\(id)/\(file)")
            let original = try Data(contentsOf: url)
            try (original + Data(" ".utf8)).write(to: url)
            let refused = try await f.client.send("POST", "/runs/\(id)/assign", body: customers, headers: csv)
            XCTAssertEqual(refused.status, 409, "\(file): \(refused.text)")
            XCTAssertTrue(try refused.message().contains("differs from the ledger's sha256"), "\(file): \(refused.text)")
            let cli = try f.seglab("assign", id, "--input", "customers.csv", "--out", "refused.csv")
            XCTAssertEqual(cli.status, 1, "\(file): the command refuses it too")
            try original.write(to: url)
            let served = try await f.client.send("POST", "/runs/\(id)/assign", body: customers, headers: csv)
            XCTAssertEqual(served.status, 200, "\(file) restored: \(served.text)")
        }
    }

    /// An order-export run takes order lines: as CSV, or as JSON objects with the export's columns.
    func testOrderLinesAsJSONGiveTheCommandsAnswer() async throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines: [(customer: String, day: String, qty: Int, amount: String)] = []
        for i in 0 ..< 40 {
            for j in 0 ..< (i % 5 + 1) {
                let d = (i * 3 + j * (i % 7 + 2) * 4) % 300
                lines.append(("k\(i)", "2020-\(String(format: "%02d", d / 28 + 1))-\(String(format: "%02d", d % 28 + 1))",
                              1 + j % 2, "\(10 + (i * 37) % 50 + j).5"))
            }
        }
        let csvText = "customer,day,qty,amount\n" + lines.map { "\($0.customer),\($0.day),\($0.qty),\($0.amount)\n" }.joined()
        try Data(csvText.utf8).write(to: dir.appendingPathComponent("orders.csv"))
        try Data("""
            {"name": "orders", "seed": 2,
             "data": {"transactions_csv": {"path": "orders.csv", "customer": "customer", "date": "day", "quantity": "qty", "amount": "amount"}},
             "clean": {"outliers": {"method": "iqr", "factor": 1.0, "action": "clip"}},
             "algorithms": {"kmeans": {"k": 2}}}
            """.utf8).write(to: dir.appendingPathComponent("e.json"))
        XCTAssertEqual(try CLIRunner.run(["run", "e.json"], in: dir).status, 0)
        let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["runs", "--format", "json"], in: dir).stdout.utf8))
            as? [[String: Any]])?.first?["id"] as? String)
        XCTAssertEqual(try CLIRunner.run(["assign", id, "--input", "orders.csv", "--out", "cli.csv"], in: dir).status, 0)
        let expected = try Data(contentsOf: dir.appendingPathComponent("cli.csv"))

        let server = try await RunningServer.start(ServerConfiguration(ledger: LedgerFixture.ledger(dir)))
        let json = "[" + lines.map { #"{"customer": "\#($0.customer)", "day": "\#($0.day)", "qty": \#($0.qty), "amount": \#($0.amount)}"# }
            .joined(separator: ",") + "]"
        let fromJSON = try await server.client().send("POST", "/runs/\(id)/assign", body: Data(json.utf8),
                                                      headers: ["Content-Type": "application/json", "Accept": "text/csv"])
        XCTAssertEqual(fromJSON.status, 200, fromJSON.text)
        XCTAssertEqual(fromJSON.body, expected)
        let fromCSV = try await server.client().send("POST", "/runs/\(id)/assign", body: Data(csvText.utf8), headers: csv)
        XCTAssertEqual(fromCSV.body, expected)
        let orders = #"[{"customer": "k1", "day": "2020-01-02", "qty": 1, "amount": 3}, {"customer": "k1", "day": "someday", "qty": 1, "amount": 3}]"#
        let badDate = try await server.client().send("POST", "/runs/\(id)/assign", body: Data(orders.utf8),
                                                     headers: ["Content-Type": "application/json"])
        XCTAssertEqual(badDate.status, 400)
        XCTAssertTrue(try badDate.message().hasPrefix("request body: at [1].day: 'someday' is not a valid date"), badDate.text)
        await server.stop()
    }

    /// Limits: a smaller server, so that small bodies go over them.
    func testBodiesAndRowCountsAreBounded() async throws {
        let f = try await SharedServer.shared.get()
        let server = try await RunningServer.start(ServerConfiguration(ledger: f.ledger, maxBodyBytes: 2000, maxRows: 5))
        let client = server.client()
        let id = try f.runID(k: 2)
        let lines = try String(contentsOf: f.dir.appendingPathComponent("customers.csv"), encoding: .utf8).split(separator: "\n")

        let six = Data((lines.prefix(7).joined(separator: "\n") + "\n").utf8)
        let rows = try await client.send("POST", "/runs/\(id)/assign", body: six, headers: csv)
        XCTAssertEqual(rows.status, 413)
        XCTAssertEqual(try rows.message(), "the CSV body has 6 lines after its header (the limit is 5); split the customers over several requests")
        XCTAssertEqual((try rows.object()["error"] as? [String: Any])?["limit"] as? Int, 5)
        let five = try await client.send("POST", "/runs/\(id)/assign", body: Data((lines.prefix(6).joined(separator: "\n") + "\n").utf8), headers: csv)
        XCTAssertEqual(five.status, 200, five.text)

        let big = Data((lines.prefix(1).joined() + "\n" + String(repeating: "\n", count: 3000)).utf8)
        let declared = try await client.send("POST", "/runs/\(id)/assign", body: big, headers: csv)
        XCTAssertEqual(declared.status, 413)
        XCTAssertEqual(try declared.message(), "the request body has \(big.count) bytes (the limit is 2000); split the customers over several requests")

        // Without a Content-Length (chunked), the body is cut off at the limit as it arrives.
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(server.port)/runs/\(id)/assign")!)
        request.httpMethod = "POST"
        request.httpBodyStream = InputStream(data: big)
        request.setValue("text/csv", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as! HTTPURLResponse).statusCode, 413, String(decoding: data, as: UTF8.self))

        let seven = "[" + (0 ..< 6).map { #"{"customer_id": "c\#($0)"}"# }.joined(separator: ",") + "]"
        let elements = try await client.send("POST", "/runs/\(id)/assign", body: Data(seven.utf8), headers: ["Content-Type": "application/json"])
        XCTAssertEqual(elements.status, 413)
        XCTAssertEqual(try elements.message(), "the JSON body has 6 customers (the limit is 5); split the customers over several requests")
        await server.stop()
    }
}
