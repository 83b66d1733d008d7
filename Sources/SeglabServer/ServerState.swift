import NIOPosix
import SeglabLedger

/// What every handler shares: the configuration, the read-only ledger and the model cache.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let ledger: Ledger
    let models: ModelCache
    /// How answers name the ledger (its path stays on the server).
    let ledgerName = "the ledger"

    init(configuration: ServerConfiguration, ledger: Ledger) {
        self.configuration = configuration
        self.ledger = ledger
        models = ModelCache(maxEntries: configuration.modelCacheEntries, maxBytes: configuration.modelCacheBytes)
    }

    /// Runs blocking work (SQLite reads, file reads, assignment) on NIO's thread pool, never on
    /// the event loops or Swift's cooperative threads, so a slow request cannot stall the others.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
