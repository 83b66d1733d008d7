import ArgumentParser
import Foundation
import SeglabData
import SeglabRunner

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic data files (for trying seglab at scale).",
        subcommands: [Transactions.self])

    struct Transactions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a realistic order export (UCI Online Retail's columns) for N customers; the bytes depend only on --customers and --seed.")

        @Option(help: "Customers (about 19 order lines each: 1,000,000 customers ≈ 19.1 million rows, 1.56 GB).")
        var customers: Int

        @Option(help: "Seed of the generator.")
        var seed: UInt64 = 0

        @Option(help: "The CSV file to write.")
        var out: String

        func validate() throws {
            guard customers >= 1 else { throw ValidationError("--customers must be at least 1") }
        }

        func run() throws {
            let start = Date()
            let rows = try TransactionsGenerator.write(customers: customers, seed: seed, to: out)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            Log.info("wrote \(out): \(rows) rows, \(bytes) bytes, \(customers) customers (seed \(seed)) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        }
    }
}
