import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import XCTest
import SeglabTestSupport
@testable import SeglabServer

/// An answer of the server, as a client sees it.
struct Reply {
    var status: Int
    /// Header names in lower case.
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }

    func json(file: StaticString = #filePath, line: UInt = #line) throws -> Any {
        do { return try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) } catch {
            XCTFail("not JSON (status \(status)): \(text.prefix(300))", file: file, line: line)
            throw error
        }
    }

    func object(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(try json(file: file, line: line) as? [String: Any], text, file: file, line: line)
    }

    /// `error.message` of an error answer.
    func message(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try XCTUnwrap((try object(file: file, line: line)["error"] as? [String: Any])?["message"] as? String, text, file: file, line: line)
    }
}

/// A small HTTP client over URLSession (FoundationNetworking on Linux). Every answer's status
/// is checked against the endpoint table, which a test keeps equal to the OpenAPI document:
/// an answer the document does not list fails the test that got it.
struct TestClient {
    var base: URL
    var token: String?

    func send(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:],
              file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response): (Data, URLResponse) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { continuation.resume(throwing: error); return }
                continuation.resume(returning: (data ?? Data(), response!))
            }.resume()
        }
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields { fields[String(describing: name).lowercased()] = String(describing: value) }
        let reply = Reply(status: http.statusCode, headers: fields, body: data)
        Self.checkDocumented(method, path, reply.status, file: file, line: line)
        return reply
    }

    func get(_ path: String, headers: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        try await send("GET", path, headers: headers, file: file, line: line)
    }

    /// The status must be one the endpoint declares; a path no endpoint has answers 404, a
    /// method its endpoint does not take 405.
    static func checkDocumented(_ method: String, _ path: String, _ status: Int, file: StaticString, line: UInt) {
        let bare = String(path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let shaped = Endpoint.all.filter { $0.matches(bare) }
        if shaped.isEmpty {
            XCTAssertTrue(status == 404 || status == 401, "\(method) \(path): \(status) for a path no endpoint has", file: file, line: line)
        } else if let endpoint = shaped.first(where: { $0.method.rawValue == method }) {
            XCTAssertTrue(endpoint.statuses.contains(status), "\(method) \(path): \(status) is not documented (\(endpoint.statuses))",
                          file: file, line: line)
        } else {
            XCTAssertTrue(status == 405 || status == 401, "\(method) \(path): \(status) for a method the path does not take",
                          file: file, line: line)
        }
    }
}

/// The real server, in this process, on an ephemeral loopback port.
final class RunningServer: @unchecked Sendable {
    let server: Server
    let port: Int
    private let task: Task<Void, Error>

    private init(server: Server, port: Int, task: Task<Void, Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    static func start(_ configuration: ServerConfiguration) async throws -> RunningServer {
        var configuration = configuration
        configuration.port = 0
        let server = try Server(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task { try await server.run(handlingSignals: false) { _, port in continuation.yield(port) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw XCTSkip("the server did not report a port") }
        return RunningServer(server: server, port: port, task: task)
    }

    func client(token: String? = nil) -> TestClient {
        TestClient(base: URL(string: "http://127.0.0.1:\(port)")!, token: token)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A ledger written by the real `seglab run`: experiment `small` (600 synthetic customers,
/// K-Means with k 2…6 × two initialisations: 10 completed runs), then the same experiment
/// with k 7 added under `--run-timeout` too short for any fit: 2 failed runs.
enum LedgerFixture {
    static func experiment(k: Int) -> String {
        """
        {"name": "small", "seed": 42,
         "data": {"synthetic": {"customers": 600, "segments": 3, "seed": 5}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": {"from": 2, "to": \(k)}, "init": ["k-means++", "random"]}}}
        """
    }

    struct SetUpError: Error, CustomStringConvertible { var description: String }

    /// A fresh folder with `e.json`, its results and `results/ledger.sqlite`, and `customers.csv`
    /// (the experiment's customers, unscaled, as `assign` reads them).
    static func make() throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("SKIPPED: the seglab binary is not built at \(CLIRunner.binary.path) (run `swift build` first)")
        }
        let dir = try CLIRunner.temporaryDirectory()
        try Data(experiment(k: 6).utf8).write(to: dir.appendingPathComponent("e.json"))
        let run = try CLIRunner.run(["run", "e.json"], in: dir)
        guard run.status == 0, run.stderr.contains("10 completed, 0 failed") else {
            throw SetUpError(description: "the fixture grid did not run as expected: \(run.stderr)")
        }
        try Data(experiment(k: 7).utf8).write(to: dir.appendingPathComponent("e.json"))
        let timedOut = try CLIRunner.run(["run", "e.json", "--run-timeout", "0.000001"], in: dir)
        guard timedOut.status == 1, timedOut.stderr.contains("0 completed, 2 failed") else {
            throw SetUpError(description: "the runs meant to time out did not: \(timedOut.stderr)")
        }
        let raw = try CLIRunner.run(["features", "e.json", "--set", "rfm", "--raw", "--out", "customers.csv"], in: dir)
        guard raw.status == 0 else { throw SetUpError(description: "features --raw failed: \(raw.stderr)") }
        return dir
    }

    static func ledger(_ dir: URL) -> String { dir.appendingPathComponent("results/ledger.sqlite").path }

    /// The runs as `seglab runs --format json` lists them.
    static func runs(_ dir: URL) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: Data(try CLIRunner.run(["runs", "--format", "json"], in: dir).stdout.utf8)) as! [[String: Any]]
    }
}

/// JSON values compared as what they mean (numbers by value, objects without key order).
func sameJSON(_ a: Any, _ b: Any) -> Bool {
    NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
}
