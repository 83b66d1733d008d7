import SeglabData

/// What a tables source contributes to a run's identity (SPEC §2, README "Several input tables").
///
/// The run key's `data` block is the `data.tables` declaration in the experiment file's own
/// syntax (defaults filled in, lists sorted), with each table's file SHA-256 in place of its
/// path, every aggregate and the categories; `sha256` beside them is the dataset fingerprint,
/// the SHA-256 of the canonical JSON of the tables alone: every file's SHA-256 with its
/// table's options (`runs.dataset_sha256`). Every aggregate is in every run's key because
/// every one is in its `profile.csv`.
///
///     {"tables":{"events":{"customer":"customer_id","date":"claimed_date","sha256":"…"},
///                "lookups":{"branches":{"from":"events.branch_id","key":"branch_id","sha256":"…","unmatched":"drop"}},
///                "aggregates":{"claims":{"count":"events"}},"sha256":"…"}}
enum TablesIdentity {
    /// The source with every file's SHA-256 (a file named twice is read once).
    static func hashingFiles(_ source: TablesSource) throws -> TablesSource {
        var s = source
        var byPath: [String: String] = [:]
        for (table, path) in s.files {
            if byPath[path] == nil { byPath[path] = try ExperimentPlanner.fileHash(path) }
            s.fileSHA256[table] = byPath[path]
        }
        return s
    }

    static func fingerprint(_ s: TablesSource) -> String {
        RunIdentity.key(of: .object(tables(s)))
    }

    /// `{"tables": …}`.
    static func dataJSON(_ s: TablesSource) -> JSONValue {
        var m = tables(s)
        if !s.aggregates.isEmpty { m.append(("aggregates", .object(s.aggregates.map { ($0.name, aggregateJSON($0)) }))) }
        if let c = s.categories { m.append(("categories", categoriesJSON(c))) }
        m.append(("sha256", .string(fingerprint(s))))
        return .object([("tables", .object(m))])
    }

    /// An experiment file's `data` block from a run's `data` configuration: the hashes taken out,
    /// each table's recorded path put in.
    static func experimentData(_ data: JSONValue, paths: [String: String]) throws -> JSONValue {
        guard case .object(let members)? = data["tables"] else { throw RecipeError("the ledger's run configuration has no tables") }
        func withPath(_ table: String, _ v: JSONValue) throws -> JSONValue {
            guard case .object(let options) = v, let path = paths[table] else {
                throw RecipeError("the ledger has no path for table '\(table)' of this run")
            }
            return .object(options.filter { $0.key != "sha256" } + [("path", .string(path))])
        }
        let out = try members.filter { $0.key != "sha256" }.map { key, value -> (key: String, value: JSONValue) in
            switch key {
            case "events", "customers", "truth": return (key, try withPath(key, value))
            case "lookups":
                guard case .object(let lookups) = value else { throw RecipeError("the ledger's lookups are not an object") }
                return (key, .object(try lookups.map { ($0.key, try withPath($0.key, $0.value)) }))
            default: return (key, value)
            }
        }
        return .object([("tables", .object(out))])
    }

    // MARK: - Parts

    private static func tables(_ s: TablesSource) -> [(key: String, value: JSONValue)] {
        func hash(_ table: String) -> [(key: String, value: JSONValue)] { [("sha256", .string(s.fileSHA256[table] ?? ""))] }
        let e = s.events
        var events: [(key: String, value: JSONValue)] = [("customer", .string(e.customer)), ("date", .string(e.date))]
        let dates = Set(e.dates).subtracting([e.date]).sorted()
        if !dates.isEmpty { events.append(("dates", RunIdentity.json(dates))) }
        let optional: [(String, String?)] = [("date_format", e.dateFormat), ("amount", e.amount), ("quantity", e.quantity),
                                              ("unit_price", e.unitPrice), ("product", e.product), ("description", e.description),
                                              ("until", e.until)]
        for case let (k, v?) in optional { events.append((k, .string(v))) }
        var m: [(key: String, value: JSONValue)] = [("events", .object(events + hash("events")))]
        if !s.lookups.isEmpty {
            m.append(("lookups", .object(s.lookups.map { l in
                (l.name, .object([("from", .string(l.from.description)), ("key", .string(l.key)),
                                  ("unmatched", .string(l.unmatched.rawValue))] + hash(l.name)))
            })))
        }
        if let c = s.customers {
            let attributes = JSONValue.object(c.attributes.map { a in
                var o: [(key: String, value: JSONValue)] = [("column", .string(a.column.description))]
                switch a.kind {
                case .number: o.append(("type", .string("number")))
                case .category(let share):
                    o.append(("type", .string("category")))
                    if let share { o.append(("min_share", .real(share))) }
                }
                return (a.name, .object(o))
            })
            m.append(("customers", .object([("id", .string(c.id)), ("unmatched", .string(c.unmatched.rawValue)),
                                            ("attributes", attributes)] + hash("customers"))))
        }
        if let t = s.truth {
            m.append(("truth", .object([("id", .string(t.id)), ("column", .string(t.column))] + hash("truth"))))
        }
        if let a = s.asOf { m.append(("as_of", .string(a))) }
        return m
    }

    private static func aggregateJSON(_ a: AggregateDefinition) -> JSONValue {
        let argument: JSONValue
        switch a.operation {
        case .count(nil): argument = .string("events")
        case .ratio(let x, let y): argument = RunIdentity.json([x, y])
        default: argument = .string(a.operation.column!.description)
        }
        var m: [(key: String, value: JSONValue)] = [(a.operation.keyword, argument)]
        if case .share(_, let value) = a.operation { m.append(("equals", .string(value))) }
        if let w = a.window { m.append(("window", .object([("days", .int(w.days)), ("on", .string(w.on.description))]))) }
        if let e = a.empty { m.append(("empty", .real(e))) }
        return .object(m)
    }

    private static func categoriesJSON(_ c: CategoriesDefinition) -> JSONValue {
        .object([("k", .int(c.k)), ("min_products", .int(c.minProducts)), ("weighting", .string(c.weighting.rawValue)),
                 ("stop_words", RunIdentity.json(Set(c.stopWords.map { $0.lowercased() }).sorted())),
                 ("name_words", .int(c.nameWords)), ("n_init", .int(c.nInit))])
    }
}
