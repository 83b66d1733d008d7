#!/usr/bin/env python3
"""scikit-learn timings of what `seglab-bench kmeans` times, on the same file.

    python3 benchmarks/sklearn_kmeans.py [--data PATH] [--k K] [--runs N]

The customers table (default /tmp/anchors_data/customers_1m.csv, from
../shared/anchors/make_data.py), its 8 feature columns through StandardScaler. Times
`kmeans_plusplus(X, k)` alone, a whole `KMeans(k, init='k-means++', n_init=1, max_iter=300,
tol=1e-4, algorithm='lloyd').fit`, and from those the seconds per Lloyd iteration
((fit - init) / n_iter), as ../shared/anchors/RESULTS.md derives its 34 ms. Median of N runs
after one warm-up; random_state = run index.
"""
import argparse
import statistics
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.preprocessing import StandardScaler

FEATURES = ["recency_days", "frequency", "monetary", "avg_basket",
            "tenure_days", "distinct_products", "return_rate", "days_between_orders"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/anchors_data/customers_1m.csv")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    df = pd.read_csv(args.data)
    x = StandardScaler().fit_transform(df[FEATURES].to_numpy(dtype=np.float64))
    print(f"data: {args.data} ({x.shape[0]} x {x.shape[1]}, StandardScaler), k = {args.k}, "
          f"sklearn {sklearn.__version__}, median of {args.runs} runs after 1 warm-up")
    init_s, fit_s, init_c, fit_c, iters = [], [], [], [], []
    for run in range(args.runs + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        kmeans_plusplus(x, args.k, random_state=run)
        t1, c1 = time.perf_counter(), time.process_time()
        est = KMeans(n_clusters=args.k, init="k-means++", n_init=1, max_iter=300, tol=1e-4,
                     algorithm="lloyd", random_state=run).fit(x)
        t2, c2 = time.perf_counter(), time.process_time()
        if run == 0:
            continue
        init_s.append(t1 - t0)
        fit_s.append(t2 - t1)
        init_c.append(c1 - c0)
        fit_c.append(c2 - c1)
        iters.append(est.n_iter_)
    med = statistics.median
    init_m, fit_m, n_iter = med(init_s), med(fit_s), statistics.mean(iters)
    print("                      wall (median)   CPU, all threads (median; a busy machine inflates wall, not CPU)")
    print(f"kmeanspp_init_k{args.k}    {init_m:10.4f} s   {med(init_c):10.4f} s")
    print(f"kmeans_fit_k{args.k}       {fit_m:10.4f} s   {med(fit_c):10.4f} s   mean n_iter {n_iter:.1f}, "
          f"inertia {est.inertia_:.6g}")
    print(f"lloyd_s_per_iter_k{args.k} {(fit_m - init_m) / n_iter:10.5f} s   "
          f"{(med(fit_c) - med(init_c)) / n_iter:10.5f} s")


if __name__ == "__main__":
    main()
