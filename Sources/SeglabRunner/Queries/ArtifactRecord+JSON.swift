import SeglabLedger

extension ArtifactRecord {
    /// `{"name", "path", "sha256", "bytes"}`, as `show --format json` lists artifacts.
    public var json: JSONValue {
        .object([("name", .string(name)), ("path", .string(path)), ("sha256", .string(sha256)), ("bytes", .int(bytes))])
    }
}
