#!/usr/bin/env python3
"""One Gaussian-mixture fit, seglab and scikit-learn back to back on the same data.

    swift build -c release                                  # .build/release/seglab-bench
    python3 benchmarks/gmm_vs_sklearn.py [--data /tmp/anchors_data/customers_100k.csv]
                                         [--k 8] [--covariance full] [--runs 3]

Both sides fit `k` components to the anchors' customers file (its 8 features standardised),
with their defaults otherwise (k-means initialisation, tol 1e-3, reg_covar 1e-6, max_iter 100):
seglab through `seglab-bench gmm` (run i seeded with seed i), scikit-learn as
`GaussianMixture(k, covariance_type, random_state=i).fit(X)` (its default 2 threads), fit
only (loading and scaling excluded on both sides), runs i = 0..N-1. The number of EM
iterations depends on where each initialisation lands, so besides the median fit time the
script prints the time per EM iteration (all runs' seconds / all runs' iterations, the
K-Means initialisation included) and both ratios seglab / scikit-learn (below 1: seglab is
faster), with the load average. ../shared/anchors records scikit-learn's full k=8 fit on
100k at 14.9 s (82 iterations).
"""
import argparse
import os
import re
import statistics
import subprocess
import time

import numpy as np
import pandas as pd
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FEATURES = ["recency_days", "frequency", "monetary", "avg_basket", "tenure_days",
            "distinct_products", "return_rate", "days_between_orders"]


def seglab_side(args):
    binary = os.path.join(ROOT, ".build", "release", "seglab-bench")
    out = subprocess.run([binary, "gmm", "--data", args.data, "--k", str(args.k), "--covariance", args.covariance,
                          "--runs", str(args.runs), "--seed", "0"], check=True, capture_output=True, text=True).stdout
    runs = [(float(m.group(1)), int(m.group(2)), float(m.group(3)))
            for m in re.finditer(r"run \d+: ([\d.]+) s .*?n_iter (\d+), .*?log_likelihood (-?[\d.]+)", out)]
    return runs


def sklearn_side(args):
    X = StandardScaler().fit_transform(pd.read_csv(args.data)[FEATURES].to_numpy(dtype=np.float64))
    runs = []
    for r in range(args.runs):
        t0 = time.perf_counter()
        g = GaussianMixture(n_components=args.k, covariance_type=args.covariance, random_state=r).fit(X)
        runs.append((time.perf_counter() - t0, int(g.n_iter_), g.score(X)))
    return runs


def show(name, runs):
    for i, (s, it, ll) in enumerate(runs):
        print(f"{name:8s} run {i}: {s:7.3f} s, {it:3d} EM iterations, {s / it * 1e3:7.1f} ms/iter, mean log-likelihood {ll:.5f}")
    median = statistics.median(s for s, _, _ in runs)
    per_iter = sum(s for s, _, _ in runs) / sum(it for _, it, _ in runs)
    print(f"{name:8s} median fit {median:.3f} s, {per_iter * 1e3:.1f} ms per EM iteration")
    return median, per_iter


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/anchors_data/customers_100k.csv")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--covariance", default="full", choices=["full", "tied", "diag", "spherical"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"gmm k={args.k} covariance={args.covariance} on {args.data}, {args.runs} runs each; load {os.getloadavg()[0]:.2f}")
    s_median, s_iter = show("seglab", seglab_side(args))
    k_median, k_iter = show("sklearn", sklearn_side(args))
    print(f"ratio seglab / scikit-learn: {s_median / k_median:.3f} median fit, {s_iter / k_iter:.3f} per EM iteration; "
          f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
