#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (swiftc -sanitize=fuzzer), beside the deterministic
# CI fuzzers of Tests/FuzzTests. Builds the parser and loader sources with the entry point in
# LibFuzzerEntry.swift, then runs libFuzzer on the seeds of Tests/FuzzTests:
#
#   fuzz/libfuzzer.sh experiment -max_total_time=600     # or customers, transactions
#
# Arguments after the target go to libFuzzer. Crashes are written to fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-experiment}; shift || true
build=.build/libfuzzer
mkdir -p "$build" fuzz/artifacts "$build/corpus-$target"
flags=(-O -swift-version 6 -sanitize=fuzzer,address -parse-as-library -I "$build" -L "$build")
module() {  # name, sources...
    local name=$1; shift
    swiftc "${flags[@]}" -module-name "$name" -emit-module -emit-module-path "$build/$name.swiftmodule" \
        -emit-library -static -o "$build/lib$name.a" "$@"
}
module SeglabNumerics Sources/SeglabNumerics/*.swift
module SeglabData Sources/SeglabData/*.swift
module SeglabClustering Sources/SeglabClustering/*.swift
# The experiment parser, its JSON reader and the entry point form the fuzzed executable.
swiftc "${flags[@]}" -module-name SeglabFuzz -o "$build/seglab-libfuzzer" \
    Sources/SeglabRunner/JSON/*.swift Sources/SeglabRunner/Experiment/*.swift fuzz/LibFuzzerEntry.swift \
    -lSeglabClustering -lSeglabData -lSeglabNumerics
# Seeds: the shipped experiments, or the CSV seeds of the test corpus.
case "$target" in
    experiment) cp experiments/*.json "$build/corpus-$target/" ;;
    customers) printf 'id,segment,recency,frequency,monetary\nc1,a,1,2,3\nc2,b,4,,6\nc3,a,7,8,9\n' > "$build/corpus-$target/seed.csv" ;;
    transactions) printf 'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n1,A,2,2011-01-01,3.0,c1\nC2,B,-1,2011-01-02 10:00,5,c1\n3,A,1,2011-01-05T09:00:00Z,3,c2\n' > "$build/corpus-$target/seed.csv" ;;
    *) echo "unknown target $target (experiment, customers, transactions)" >&2; exit 2 ;;
esac
SEGLAB_LIBFUZZER_TARGET=$target "$build/seglab-libfuzzer" -artifact_prefix=fuzz/artifacts/ "$@" "$build/corpus-$target"
