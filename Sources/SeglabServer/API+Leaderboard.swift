import Hummingbird
import SeglabMetrics
import SeglabRunner

extension API {
    /// `GET /leaderboard`: `seglab leaderboard`'s options as query parameters (`metric`,
    /// `experiment`, `algorithm`, `min_cluster_share`, `best_per`, `top`), the same checks and
    /// the same ranking; a page of the rows `--format json` writes.
    static func leaderboard(_ request: Request, _ context: BasicRequestContext, _ state: ServerState) async throws -> Response {
        let query = try QueryParameters(request, allowed: ["metric", "experiment", "algorithm", "min_cluster_share", "best_per", "top"]
            + Page.parameters)
        let page = try Page(query)
        let leaderboard = LeaderboardRequest(
            metric: query["metric"] ?? "silhouette", experiment: query["experiment"], algorithm: query["algorithm"],
            minClusterShare: try query.double("min_cluster_share"), bestPer: query["best_per"], top: try query.int("top"))
        let rows = try await state.blocking {
            try leaderboard.rank(in: state.ledger, ledgerName: state.ledgerName) { "query parameter '\($0)'" }
        }
        let direction = MetricCatalog.direction(of: leaderboard.metric) == .higherIsBetter
        return JSONResponse.make(page.json(rows, extra: [("metric", .string(leaderboard.metric)), ("higher_is_better", .bool(direction))],
                                           leaderboard.json))
    }
}
