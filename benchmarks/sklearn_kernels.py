"""scikit-learn timings of the operations `seglab-bench kernels` times, on the same files.

    python3 benchmarks/sklearn_kernels.py [--data PATH] [--labels PATH] [--runs N]

One Lloyd assignment pass (nearest of the k label means for every row, with distances:
`pairwise_distances_argmin_min`, which is what `KMeans.predict` and each Lloyd E-step
compute), the exact silhouette (`silhouette_score`, all pairs), and the Davies-Bouldin
and Calinski-Harabasz indices. Median of N (>= 5) wall-clock runs after one warm-up.
"""
import argparse
import os
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import (calinski_harabasz_score, davies_bouldin_score,
                             pairwise_distances_argmin_min, silhouette_score)


def report(name, runs, fn):
    value = fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    print(f"{name:<22} {times[len(times) // 2]:12.3f} {times[0]:11.3f}   {value}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/reference/blobs_20k.csv")
    ap.add_argument("--labels", default=None)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    runs = max(5, args.runs)
    labels_path = args.labels or os.path.join(os.path.dirname(args.data), "labels_kmeans_blobs_20k.csv")

    df = pd.read_csv(args.data)
    x = np.ascontiguousarray(df[[c for c in df.columns if c.startswith("x")]].to_numpy(dtype=np.float64))
    labels = pd.read_csv(labels_path)["label"].to_numpy()
    k = labels.max() + 1
    centers = np.stack([x[labels == c].mean(axis=0) for c in range(k)])

    print(f"data: {args.data} ({x.shape[0]} x {x.shape[1]}), k = {k}, sklearn {sklearn.__version__}, "
          f"median of {runs} runs after 1 warm-up")
    print("operation                 median_ms      min_ms   value")
    report("lloyd_assignment_pass", runs, lambda: float(len(pairwise_distances_argmin_min(x, centers)[0])))
    report("silhouette_exact", runs, lambda: silhouette_score(x, labels))
    report("davies_bouldin", runs, lambda: davies_bouldin_score(x, labels))
    report("calinski_harabasz", runs, lambda: calinski_harabasz_score(x, labels))


if __name__ == "__main__":
    main()
