#!/usr/bin/env python3
"""Expected SPEC §5 features of a file written by `seglab generate transactions`, computed
independently with pandas (benchmarks/pandas_ingest.py's read_csv + groupby), for
DataTests/GeneratedTransactionsTests.swift.

Writes expected_generated.json beside this script: the generator's arguments, the file's
SHA-256 (the test regenerates the file and checks it is these very bytes), the cleaning
counts, and every customer's eight features. Run from the repository root after a build:

    .build/debug/seglab generate transactions --customers 400 --seed 11 --out /tmp/generated_400.csv
    python3 Tests/DataTests/Fixtures/make_generated_fixture.py /tmp/generated_400.csv --customers 400 --seed 11
"""
import argparse
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "benchmarks"))
from pandas_ingest import ingest  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--customers", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    args = ap.parse_args()
    with open(args.path, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    mapping = dict(customer="CustomerID", date="InvoiceDate", quantity="Quantity", unit_price="UnitPrice",
                   amount=None, invoice="InvoiceNo", product="StockCode", as_of="2011-12-10")
    out = ingest(args.path, mapping)
    features = {str(cid): [float(v) for v in row] for cid, row in zip(out.index, out.to_numpy())}
    doc = dict(customers=args.customers, seed=args.seed, sha256=sha, columns=list(out.columns),
               features=features)
    with open(os.path.join(HERE, "expected_generated.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(features)} customers, sha256 {sha}")


if __name__ == "__main__":
    main()
