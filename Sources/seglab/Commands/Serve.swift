import ArgumentParser
import Dispatch
import Logging
import SeglabRunner
import SeglabServer

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the ledger read-only over HTTP: experiments, runs, leaderboard, reports, and assign (OpenAPI at /openapi.json).",
        discussion: """
            Binds 127.0.0.1 by default. Any other address needs --token-file: every request but /health and \
            /openapi.json must then carry `Authorization: Bearer <token>`. SIGTERM or Ctrl-C stops it after the \
            requests in flight (exit 0). One access-log line per request goes to stderr.
            """)

    @OptionGroup var ledgerOption: LedgerOption

    @Option(help: "The address to bind: loopback unless --token-file is given.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port (0: any free port, printed once listening).")
    var port = 8080

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file holding the bearer token (at least 16 characters) every request must carry.", valueName: "PATH"))
    var tokenFile: String?

    func run() throws {
        try ledgerOption.requireFile()   // then opened read-only, never migrated
        let token = try tokenFile.map { try ServerConfiguration.readToken(path: $0) }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let server = try Server(configuration: ServerConfiguration(ledger: ledgerOption.ledger, host: host, port: port, token: token),
                                logger: Logger(label: "seglab.serve"))
        try waitFor {
            try await server.run(handlingSignals: true) { host, port in
                Log.info("serving \(ledgerOption.ledger) read-only on http://\(host.contains(":") ? "[\(host)]" : host):\(port) (API: /openapi.json)")
            }
        }
        Log.info("stopped")
    }

    /// Runs `work` on Swift's concurrency threads and blocks this (main) thread until it ends.
    private func waitFor(_ work: @escaping @Sendable () async throws -> Void) throws {
        final class Outcome: @unchecked Sendable { var error: Error? }
        let outcome = Outcome(), done = DispatchSemaphore(value: 0)
        Task {
            do { try await work() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}
