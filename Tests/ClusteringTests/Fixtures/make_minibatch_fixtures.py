#!/usr/bin/env python3
"""scikit-learn's MiniBatchKMeans inertia on the shared reference data sets, for
ClusteringTests/MiniBatchKMeansTests.swift (testQualityAgainstScikitLearn).

For each of ../shared/reference's iris, wine, moons_1k, blobs_2k, customers_5k and
blobs_20k (read from there, identified by SHA-256; the data are not copied here) and each k
of the reference K-Means grid (2, 3, 4, 5, 6, 8): `MiniBatchKMeans(n_clusters=k,
random_state=r).fit(X).inertia_` for r = 0..19 (every other parameter at its default), with
their median. Writes expected_minibatch.json beside this script.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 make_minibatch_fixtures.py [--shared ../../../../shared]

One thread each (see make_gmm_fixtures.py); other thread counts change only the last bits.
"""
import argparse
import hashlib
import json
import os
import statistics

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import MiniBatchKMeans

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k", "blobs_20k"]
KS = [2, 3, 4, 5, 6, 8]
SEEDS = 20


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "..", "shared"))
    args = ap.parse_args()
    out = dict(generated_by=f"make_minibatch_fixtures.py with scikit-learn {sklearn.__version__}, numpy {np.__version__}",
               seeds=SEEDS, datasets={})
    for name in NAMES:
        path = os.path.join(args.shared, "reference", f"{name}.csv")
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        df = pd.read_csv(path)
        X = df[[c for c in df.columns if c.startswith("x")]].to_numpy()
        runs = []
        for k in KS:
            inertia = [float(MiniBatchKMeans(n_clusters=k, random_state=r).fit(X).inertia_) for r in range(SEEDS)]
            runs.append(dict(k=k, inertia=inertia, median=statistics.median(inertia)))
        out["datasets"][name] = dict(sha256=sha, rows=len(X), runs=runs)
    with open(os.path.join(HERE, "expected_minibatch.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
