import Foundation

// seglab-bench: micro-benchmarks of the kernels the runs use (see benchmarks/README.md).
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "kernels":
    kernelBenchmark(arguments: Array(arguments.dropFirst()))
case "tsne":
    tsneBenchmark(arguments: Array(arguments.dropFirst()))
case "kmeans":
    do { try kmeansBenchmark(arguments: Array(arguments.dropFirst())) } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
case "ingest":
    do { try ingestBenchmark(arguments: Array(arguments.dropFirst())) } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
case "deep":
    do { try deepBenchmark(arguments: Array(arguments.dropFirst())) } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
case "gmm":
    do { try mixtureBenchmark(arguments: Array(arguments.dropFirst())) } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        exit(2)
    }
default:
    FileHandle.standardError.write(Data("usage: seglab-bench kernels [--data PATH] [--labels PATH] [--runs N] | kmeans [--data PATH] [--k K] [--runs N] | ingest ... | gmm ... | tsne [--data NAME|PATH] [--runs N] [--workers N] | deep ...\n".utf8))
    exit(2)
}
