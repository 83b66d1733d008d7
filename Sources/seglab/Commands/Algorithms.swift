import ArgumentParser
import SeglabClustering
import SeglabRunner

struct Algorithms: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every algorithm with each parameter's type, range, default and meaning.")

    @Option(help: "table or json.")
    var format: DocumentFormat = .table

    func run() throws {
        switch format {
        case .json:
            writeStdout(JSONWriter.pretty(.array(AlgorithmRegistry.all.map { a in
                .object([("name", .string(a.name)), ("summary", .string(a.summary)),
                         ("parameters", .array(a.parameters.map(Self.json)))])
            })))
        case .table:
            let blocks = AlgorithmRegistry.all.map { a in
                "\(a.name): \(a.summary)\n\n" + TextTable(
                    header: ["parameter", "type", "range", "default", "null", "meaning"],
                    rows: a.parameters.map { [$0.name, $0.typeName, $0.rangeDescription, $0.defaultText,
                                              $0.nullable ? "yes" : "no", $0.help] }).text()
            }
            writeStdout(blocks.joined(separator: "\n"))
        }
    }

    /// One parameter: its range as numbers (`max` null when unbounded) or choices, and its
    /// default both as a value (null when required or derived) and in words.
    static func json(_ p: ParameterSpec) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [("name", .string(p.name)), ("type", .string(p.typeName))]
        func bound(_ d: Double) -> JSONValue { d.isFinite ? .real(d) : .null }
        switch p.kind {
        case .int(let lo, let hi):
            members += [("min", .int(lo)), ("max", .int(hi))]
        case .real(let lo, let hi, let exclusive):
            members += [("min", bound(lo)), ("max", bound(hi)), ("min_exclusive", .bool(exclusive))]
        case .choice(let options):
            members.append(("choices", .array(options.map { .string($0) })))
        case .intList(let lo, let hi, let minCount, let maxCount):
            members += [("min", .int(lo)), ("max", .int(hi)), ("min_count", .int(minCount)), ("max_count", .int(maxCount))]
        }
        members += [
            ("range", .string(p.rangeDescription)),
            ("required", .bool(p.isRequired)),
            ("default", p.fixedDefault.map(RunIdentity.json) ?? .null),
            ("default_text", .string(p.defaultText)),
            ("nullable", .bool(p.nullable)),
            ("help", .string(p.help)),
        ]
        return .object(members)
    }
}
