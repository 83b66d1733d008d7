#!/usr/bin/env python3
"""scikit-learn's Barnes-Hut t-SNE on the data sets seglab's t-SNE is compared with.

    python3 benchmarks/sklearn_tsne.py [--data NAME ...] [--runs N]
    python3 benchmarks/sklearn_tsne.py --fixture Tests/EmbeddingTests/Fixtures/expected_tsne.json

Data sets (NAME):
  blobs_2k, customers_5k   ../shared/reference/<NAME>.csv, columns x0.. as they are
  customers_10k            the first 10,000 rows of /tmp/anchors_data/customers_20k.csv
                           (python3 ../shared/anchors/make_data.py --sizes 20000), its 8
                           feature columns standardised (population sd); the matrix is
                           written to /tmp/anchors_data/customers_10k_tsne.csv with repr()
                           floats so `seglab-bench tsne` reads exactly the same bits.

`TSNE(random_state=0)` with every other parameter at its default (perplexity 30, early
exaggeration 12, learning rate 'auto', PCA initialisation, max_iter 1000, angle 0.5); with PCA
initialisation the seed does not matter. Prints, per data set, the median wall time of N runs
(fit_transform, after loading), the final `kl_divergence_` and `n_iter_`; compare with
`swift run -c release seglab-bench tsne` (see benchmarks/README.md).

--fixture OUT writes the KL divergences (one run per data set) as JSON for the parity tests.
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.manifold import TSNE

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SEGLAB_SHARED", os.path.join(HERE, "..", "..", "shared"))
ANCHORS = "/tmp/anchors_data"
FEATURES = ["recency_days", "frequency", "monetary", "avg_basket",
            "tenure_days", "distinct_products", "return_rate", "days_between_orders"]


def load(name):
    if name == "customers_10k":
        raw = pd.read_csv(os.path.join(ANCHORS, "customers_20k.csv"), nrows=10_000)
        x = raw[FEATURES].to_numpy(dtype=np.float64)
        x = (x - x.mean(axis=0)) / x.std(axis=0)
        out = os.path.join(ANCHORS, "customers_10k_tsne.csv")
        with open(out, "w") as f:
            f.write("id," + ",".join(f"x{j}" for j in range(x.shape[1])) + "\n")
            for i, row in enumerate(x):
                f.write(f"{i}," + ",".join(repr(float(v)) for v in row) + "\n")
        return x
    frame = pd.read_csv(os.path.join(SHARED, "reference", f"{name}.csv"))
    return frame[[c for c in frame.columns if c.startswith("x")]].to_numpy(dtype=np.float64)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", nargs="+", default=["blobs_2k", "customers_5k", "customers_10k"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fixture", help="write the KL divergences to this JSON file")
    args = parser.parse_args()

    results = {}
    runs = 1 if args.fixture else args.runs
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; median of {runs} runs")
    print(f"{'data':<16}{'rows':>7}{'median_s':>11}{'min_s':>9}{'kl_divergence':>16}{'n_iter':>8}")
    for name in args.data:
        x = load(name)
        seconds, model = [], None
        for _ in range(runs):
            model = TSNE(random_state=0)
            start = time.perf_counter()
            model.fit_transform(x)
            seconds.append(time.perf_counter() - start)
        kl = float(model.kl_divergence_)
        results[name] = {"rows": int(x.shape[0]), "cols": int(x.shape[1]), "kl_divergence": kl,
                         "n_iter": int(model.n_iter_)}
        print(f"{name:<16}{x.shape[0]:>7}{statistics.median(seconds):>11.2f}{min(seconds):>9.2f}"
              f"{kl:>16.6f}{model.n_iter_:>8}", flush=True)
    if args.fixture:
        doc = {"generator": "python3 benchmarks/sklearn_tsne.py --fixture <this file>",
               "sklearn": sklearn.__version__, "numpy": np.__version__,
               "estimator": "TSNE(random_state=0), every other parameter at its default",
               "datasets": results}
        with open(args.fixture, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {args.fixture}")


if __name__ == "__main__":
    sys.exit(main())
