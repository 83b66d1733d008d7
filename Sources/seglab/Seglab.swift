import ArgumentParser
import Foundation
import SeglabData
import SeglabRunner

/// The `seglab` command line: parses arguments and calls the library.
@main
struct Seglab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seglab",
        abstract: "A reproducible experiment runner for customer segmentation.",
        version: SeglabVersion.string,
        subcommands: [Validate.self, Plan.self, Run.self, Leaderboard.self, Show.self, Rerun.self, Features.self]
    )

    /// Exit codes (SPEC §3): 0 success; 1 a run failed or a verification differed; 2 bad usage
    /// or bad input — including argument errors, which ArgumentParser would otherwise end with 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch let e as ExperimentError {
            Log.error(e.description); exit(2)
        } catch let e as DataError {
            Log.error(e.description); exit(2)
        } catch let e as UsageError {
            Log.error(e.description); exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                exit(0)
            }
            if error is DecodingError || error is CocoaError || "\(type(of: error))".contains("Database") {
                Log.error("\(error)"); exit(1)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(2)
        }
    }
}

/// Bad usage found after parsing (an unknown run id, a missing ledger): exit 2.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
