import ArgumentParser
import Foundation
import SeglabData
import SeglabLedger
import SeglabRunner
import SeglabServer

/// The `seglab` command line: parses arguments and calls the library.
@main
struct Seglab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seglab",
        abstract: "A reproducible experiment runner for customer segmentation.",
        version: SeglabVersion.string,
        subcommands: [Validate.self, Plan.self, Run.self, Experiments.self, Runs.self, Leaderboard.self, Show.self, Rerun.self,
                      Features.self, Assign.self, Compare.self, Report.self, PredictCheck.self, LedgerCommand.self, Merge.self, Serve.self,
                      Algorithms.self, Generate.self]
    )

    /// Exit codes (SPEC §3): 0 success; 1 a run failed or a verification differed; 2 bad usage
    /// or bad input — including argument errors, which ArgumentParser would otherwise end with 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as ExitCode {
            terminate(e.rawValue)
        } catch let e as ExperimentError {
            failWith(e.description, code: 2)
        } catch let e as DataError {
            failWith(e.description, code: 2)
        } catch let e as UsageError {
            failWith(e.description, code: 2)
        } catch let e as ShardError {
            failWith(e.description, code: 2)
        } catch let e as LedgerError {
            failWith(e.description, code: ledgerExitCode(e))
        } catch let e as QueryError {
            failWith(e.description, code: 2)
        } catch let e as ServerSetupError {
            failWith(e.description, code: 2)
        } catch {
            switch exitCode(for: error) {
            case .success:
                print(fullMessage(for: error))
                terminate(0)
            case .validationFailure:
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                terminate(2)
            default:
                failWith("\(error)", code: 1)
            }
        }
    }
}

/// Bad input and a ledger that cannot be used as one (not SQLite, another application's
/// database, a newer schema) are exit 2; a ledger that fails while in use (I/O, disk full, lock
/// timeout, permissions) is exit 1, like any failure of the work itself.
private func ledgerExitCode(_ error: LedgerError) -> Int32 {
    switch error {
    case .notFound, .notALedger, .newerSchema, .unknownRun, .unknownExperiment, .seedOutOfRange, .invalidQuery:
        return 2
    case .cannotOpen, .storage, .claimLost, .nonFiniteMetric, .duplicate, .mergeRefused, .changedDuringMerge:
        return 1
    }
}

private func failWith(_ message: String, code: Int32) -> Never {
    Log.error(message)
    terminate(code)
}

private func terminate(_ code: Int32) -> Never { exit(code) }

/// Bad usage found after parsing (an unknown run id, a missing ledger): exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
