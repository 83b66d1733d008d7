import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import SeglabLedger
import UnixSignals

/// The read-only HTTP API of `seglab serve` (SPEC §3): ledger queries, run documents,
/// reports and assignment of new customers, described by `OpenAPIDocument` at `/openapi.json`.
///
///     let server = try Server(configuration: ServerConfiguration(ledger: "results/ledger.sqlite"),
///                             logger: Logger(label: "seglab.serve"))
///     try await server.run(handlingSignals: true) { host, port in print("listening on \(host):\(port)") }
///
/// Safety: the ledger is opened read-only (WAL readers never block a writer, nor are blocked
/// by one, and each request sees the latest committed runs); no endpoint writes anything;
/// bodies and row counts are bounded; a non-loopback address needs a token (`ServerConfiguration.check`).
public struct Server: Sendable {
    public let configuration: ServerConfiguration
    let state: ServerState
    let logger: Logger

    /// Checks the configuration and opens the ledger read-only; throws `ServerSetupError` or
    /// `LedgerError` (a missing ledger, or not a ledger).
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.check()
        self.configuration = configuration
        self.logger = logger
        state = ServerState(configuration: configuration, ledger: try Ledger(readOnlyPath: configuration.ledger))
    }

    /// Serves until the task is cancelled or, when `handlingSignals`, until SIGTERM or SIGINT;
    /// then stops accepting connections, finishes the requests in flight and returns.
    /// `onListening` gets the bound address (the port chosen when the configuration says 0).
    public func run(handlingSignals: Bool, onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in })
    async throws {
        let router = Router(context: BasicRequestContext.self)
        // Outermost first: the access log sees the final status of every request, errors included.
        router.add(middleware: AccessLogMiddleware(logger: logger))
        router.add(middleware: ErrorMiddleware(logger: logger))
        if let token = configuration.token { router.add(middleware: BearerTokenMiddleware(token: token)) }
        let state = self.state
        for endpoint in Endpoint.all {
            router.on(RouterPath(endpoint.routerPath), method: endpoint.method) { request, context in
                try await endpoint.handler(request, context, state)
            }
        }
        let host = configuration.host
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port),
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? 0) },
            logger: logger)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [app], gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: logger))
        try await group.run()
    }

    /// How many times a fitted model was read from disk since the server started.
    public var modelLoads: Int { state.models.loadCount }
}
