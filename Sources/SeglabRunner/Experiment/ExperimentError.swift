/// Bad input in an experiment file (SPEC §6): names the file, the JSON path and what is wrong.
public struct ExperimentError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// A JSON path such as `algorithms.kmeans.k[0]`; empty for the whole document.
    public var path: String
    public var message: String

    public init(file: String, path: String, _ message: String) {
        self.file = file; self.path = path; self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file): \(message)" : "\(file): at \(path): \(message)"
    }
}
