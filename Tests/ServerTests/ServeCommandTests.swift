import Foundation
import XCTest
import SeglabTestSupport

/// `seglab serve` as a real process: it answers while `seglab run` writes to the same ledger,
/// shows runs completed meanwhile without a restart, refuses unsafe set-ups, and stops
/// cleanly on SIGTERM.
final class ServeCommandTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: CLIRunner.binary.path) else {
            throw XCTSkip("SKIPPED: the seglab binary is not built at \(CLIRunner.binary.path) (run `swift build` first)")
        }
        dir = try CLIRunner.temporaryDirectory()
        let d = dir!
        addTeardownBlock { try? FileManager.default.removeItem(at: d) }
    }

    func experiment(_ name: String, customers: Int, k: String) -> String {
        """
        {"name": "\(name)", "seed": 7, "data": {"synthetic": {"customers": \(customers), "segments": 4, "seed": 3}},
         "feature_sets": {"rfm": {"columns": ["recency_days", "frequency", "monetary"], "log1p": ["frequency", "monetary"]}},
         "algorithms": {"kmeans": {"k": \(k), "init": ["k-means++", "random"], "n_init": 3}}}
        """
    }

    /// `seglab serve` started in `dir`; its stderr is collected as it comes.
    final class ServeProcess: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var stderr = Data()

        init(_ arguments: [String], in dir: URL) throws {
            process.executableURL = CLIRunner.binary
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = dir
            process.standardOutput = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let pipe = Pipe()
            process.standardError = pipe
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.stderr.append(data) }
            }
            try process.run()
        }

        var log: String { lock.withLock { String(decoding: stderr, as: UTF8.self) } }

        /// The port of its "serving … on http://127.0.0.1:PORT" line.
        func port(timeout: TimeInterval = 60) throws -> Int {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline, process.isRunning {
                if let range = log.range(of: "read-only on http://127.0.0.1:"),
                   let port = Int(log[range.upperBound...].prefix { $0.isNumber }) { return port }
                usleep(20_000)
            }
            throw XCTSkip("seglab serve did not start: \(log)")
        }

        func stop() -> Int32 {
            process.terminate()   // SIGTERM
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    func testServeAnswersWhileAGridWritesAndSeesItsRunsWithoutRestart() async throws {
        try Data(experiment("first", customers: 300, k: "[2]").utf8).write(to: dir.appendingPathComponent("first.json"))
        XCTAssertEqual(try CLIRunner.run(["run", "first.json"], in: dir).status, 0)
        let serve = try ServeProcess(["--port", "0"], in: dir)
        defer { if serve.process.isRunning { serve.process.terminate() } }
        let client = TestClient(base: URL(string: "http://127.0.0.1:\(try serve.port())")!)

        // A grid of 12 runs on 20,000 customers, writing to the ledger the server reads.
        try Data(experiment("grid", customers: 20_000, k: #"{"from": 2, "to": 7}"#).utf8).write(to: dir.appendingPathComponent("grid.json"))
        let grid = Process()
        grid.executableURL = CLIRunner.binary
        grid.arguments = ["run", "grid.json"]
        grid.currentDirectoryURL = dir
        grid.standardOutput = FileHandle.nullDevice
        grid.standardError = FileHandle.nullDevice
        try grid.run()
        var answered = 0, seenRunning = false
        while grid.isRunning {
            for path in ["/health", "/runs?experiment=grid", "/leaderboard?experiment=first", "/runs?status=running"] {
                let r = try await client.get(path)
                // Until the grid has registered its experiment, the ledger does not hold the name.
                XCTAssertTrue(r.status == 200 || (path == "/runs?experiment=grid" && r.status == 400), "\(path): \(r.status) \(r.text)")
                if path == "/runs?status=running", r.status == 200, (try r.object()["total"] as? Int ?? 0) > 0 { seenRunning = true }
                answered += 1
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        grid.waitUntilExit()
        XCTAssertEqual(grid.terminationStatus, 0)
        XCTAssertGreaterThan(answered, 0)
        print("seglab serve answered \(answered) requests during the grid (runs seen running: \(seenRunning))")

        // Completed while the server ran, visible at once.
        let runs = try await client.get("/runs?experiment=grid").object()
        XCTAssertEqual(runs["total"] as? Int, 12)
        XCTAssertTrue((runs["items"] as! [[String: Any]]).allSatisfy { $0["status"] as? String == "completed" })
        let best = try await client.get("/leaderboard?experiment=grid&top=1").object()
        let id = try XCTUnwrap((best["items"] as? [[String: Any]])?.first?["run_id"] as? String)
        let assign = try await client.send("POST", "/runs/\(id)/assign",
                                           body: Data("customer_id,recency_days,frequency,monetary\nnew,30,4,250.0\n".utf8),
                                           headers: ["Content-Type": "text/csv"])
        XCTAssertEqual(assign.status, 200, assign.text)

        XCTAssertEqual(serve.stop(), 0, serve.log)
        // One structured access-log line per request.
        XCTAssertTrue(serve.log.contains("method=POST"), serve.log)
        XCTAssertTrue(serve.log.contains("path=/runs/\(id)/assign"), serve.log)
        XCTAssertTrue(serve.log.contains("status=200"), serve.log)
    }

    /// SIGTERM while a request is in flight: the server stops accepting connections at once,
    /// still answers that request, then exits 0.
    func testSIGTERMFinishesTheRequestInFlightThenExits() throws {
        try Data(experiment("first", customers: 300, k: "[2]").utf8).write(to: dir.appendingPathComponent("first.json"))
        XCTAssertEqual(try CLIRunner.run(["run", "first.json"], in: dir).status, 0)
        let id = try XCTUnwrap(LedgerFixture.runs(dir).first?["id"] as? String)
        let serve = try ServeProcess(["--port", "0"], in: dir)
        defer { if serve.process.isRunning { serve.process.terminate() } }
        let port = try serve.port()

        let body = Array("customer_id,recency_days,frequency,monetary\nnew,30,4,250.0\n".utf8)
        let connection = try RawConnection(port: port)
        // A whole request first: the connection is then surely accepted and served.
        try connection.send(Array("GET /health HTTP/1.1\r\nHost: test\r\n\r\n".utf8))
        XCTAssertTrue(try connection.readHead().hasPrefix("HTTP/1.1 200"))
        // The head of an assign request and part of its body; the rest is sent after SIGTERM.
        try connection.send(Array("POST /runs/\(id)/assign HTTP/1.1\r\nHost: test\r\nContent-Type: text/csv\r\nAccept: text/csv\r\n"
            .utf8) + Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body.prefix(10))
        usleep(1_000_000)   // for the server to read the head (the request is then in flight)
        serve.process.terminate()   // SIGTERM
        let deadline = Date().addingTimeInterval(30)
        while (try? RawConnection(port: port)) != nil, Date() < deadline { usleep(20_000) }
        XCTAssertNil(try? RawConnection(port: port), "new connections are still accepted after SIGTERM")
        XCTAssertTrue(serve.process.isRunning, "the server exited with a request in flight")

        try connection.send(Array(body.dropFirst(10)))
        let answer = String(decoding: try connection.readToEnd(), as: UTF8.self)
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200"), answer)
        XCTAssertTrue(answer.contains("\r\n\r\ncustomer_id,cluster,segment_name,distance\nnew,"), answer)
        serve.process.waitUntilExit()
        XCTAssertEqual(serve.process.terminationStatus, 0, serve.log)
        let logged = Date().addingTimeInterval(5)   // stderr reaches the pipe's handler a little later
        while !serve.log.contains("seglab: stopped\n"), Date() < logged { usleep(20_000) }
        XCTAssertTrue(serve.log.contains("seglab: stopped\n"), serve.log)
    }

    func testUnsafeOrImpossibleSetUpsAreRefused() throws {
        let noLedger = try CLIRunner.run(["serve", "--port", "0"], in: dir)
        XCTAssertEqual(noLedger.status, 2)
        XCTAssertEqual(noLedger.stderr, "error: no ledger at results/ledger.sqlite (run an experiment first, or pass --ledger PATH)\n")

        try Data(experiment("first", customers: 300, k: "[2]").utf8).write(to: dir.appendingPathComponent("first.json"))
        XCTAssertEqual(try CLIRunner.run(["run", "first.json"], in: dir).status, 0)
        let open = try CLIRunner.run(["serve", "--host", "0.0.0.0", "--port", "0"], in: dir)
        XCTAssertEqual(open.status, 2)
        XCTAssertEqual(open.stderr, "error: --host 0.0.0.0 is not a loopback address: serving beyond this machine needs --token-file "
            + "(a file holding the bearer token every request must carry); without it, bind 127.0.0.1 or ::1\n")
        try Data("short".utf8).write(to: dir.appendingPathComponent("token"))
        let weak = try CLIRunner.run(["serve", "--host", "0.0.0.0", "--token-file", "token"], in: dir)
        XCTAssertEqual(weak.status, 2)
        XCTAssertTrue(weak.stderr.contains("--token-file token: the token must have at least 16 characters"), weak.stderr)
    }
}

/// A plain TCP connection to the server on 127.0.0.1, to hold a request half sent.
final class RawConnection {
    private let fd: Int32

    /// Connects, or throws when the port refuses.
    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)   // a read never hangs the suite
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw POSIXError(.ECONNREFUSED)
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// One answer of a keep-alive connection, read up to the end of its body (by Content-Length).
    func readHead() throws -> String {
        var received: [UInt8] = []
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n"),
               let length = text.range(of: "content-length: ", options: .caseInsensitive).flatMap({ Int(text[$0.upperBound...].prefix { $0.isNumber }) }),
               text[end.upperBound...].utf8.count >= length { return text }
            let chunk = try readSome()
            guard !chunk.isEmpty else { throw POSIXError(.ECONNRESET) }
            received += chunk
        }
    }

    /// Everything until the server closes the connection.
    func readToEnd() throws -> [UInt8] {
        var received: [UInt8] = []
        while case let chunk = try readSome(), !chunk.isEmpty { received += chunk }
        return received
    }

    private func readSome() throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = read(fd, &buffer, buffer.count)
        guard n >= 0 else { throw POSIXError(.ETIMEDOUT) }
        return Array(buffer.prefix(n))
    }
}
