import Foundation
import XCTest
import SeglabTestSupport
@testable import SeglabServer

/// The OpenAPI document and the router say the same: every endpoint with its method and
/// status codes is in the document, and the document has nothing else.
final class OpenAPIDocumentTests: XCTestCase {
    func document() throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
    }

    func testTheDocumentListsExactlyTheRoutesMethodsAndStatuses() throws {
        let doc = try document()
        XCTAssertEqual(doc["openapi"] as? String, "3.1.0")
        let paths = try XCTUnwrap(doc["paths"] as? [String: [String: Any]])
        var documented: [String: [Int]] = [:], open: Set<String> = []
        for (path, item) in paths {
            for (method, operation) in item {
                let op = try XCTUnwrap(operation as? [String: Any], "\(method) \(path)")
                XCTAssertNotNil(op["operationId"] as? String, "\(method) \(path)")
                let key = "\(method.uppercased()) \(path)"
                documented[key] = try XCTUnwrap(op["responses"] as? [String: Any]).keys.map { Int($0)! }.sorted()
                if (op["security"] as? [Any])?.isEmpty == true { open.insert(key) }
            }
        }
        let routed = Dictionary(uniqueKeysWithValues: Endpoint.all.map { ("\($0.method.rawValue) \($0.path)", $0.statuses.sorted()) })
        XCTAssertEqual(documented, routed)
        XCTAssertEqual(open, Set(Endpoint.all.filter { !$0.needsToken }.map { "\($0.method.rawValue) \($0.path)" }))
    }

    /// Every `$ref` resolves, and (where Python's openapi-spec-validator is installed) the
    /// document is valid OpenAPI 3.1.
    func testTheDocumentIsValid() throws {
        let doc = try document()
        func refs(_ value: Any) -> [String] {
            if let d = value as? [String: Any] { return (d["$ref"] as? String).map { [$0] } ?? d.values.flatMap(refs) }
            if let a = value as? [Any] { return a.flatMap(refs) }
            return []
        }
        for ref in Set(refs(doc)) {
            var node: Any? = doc
            for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] }
            XCTAssertNotNil(node, "unresolved \(ref)")
        }
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("openapi.json")
        try Data(OpenAPIDocument.json.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import sys
            try:
                from openapi_spec_validator import validate
            except ImportError:
                sys.exit(3)
            import json
            validate(json.load(open(sys.argv[1])))
            """, file.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 3 { throw XCTSkip("SKIPPED: openapi-spec-validator is not installed (pip install openapi-spec-validator)") }
        XCTAssertEqual(p.terminationStatus, 0, message)
    }
}
