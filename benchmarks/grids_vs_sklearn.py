#!/usr/bin/env python3
"""The anchors' clustering grids, seglab and scikit-learn back to back on the same file.

    python3 ../shared/anchors/make_data.py                   # /tmp/anchors_data/customers_{20k,100k,1m}.csv
    swift build -c release                                   # .build/release/seglab
    python3 benchmarks/grids_vs_sklearn.py GRID SIZE [--sklearn-budget-s S] [--jobs 2] [--binary PATH]

GRID is one of the anchors' grids (../shared/anchors/RESULTS.md, "Method"): kmeans, gmm,
birch, dbscan, agglo; or minibatch (MiniBatchKMeans k 2..10, which the anchors do not
record: timed here with the same metrics). SIZE is 20k, 100k or 1m.

seglab side: an experiment with the same data file, the 8 features standardised, the same
grid and the anchors' silhouette rule (exact up to 20,000 rows, else a 10,000-row sample),
run by `seglab run --jobs N` into a temporary ledger; its time is the whole process (CSV
load, scaling, fits, every metric, artifacts, ledger). scikit-learn side: the anchors' own
`sklearn_grid.py` (fit_predict + silhouette + Davies-Bouldin + Calinski-Harabasz + ARI per
run; loading excluded), writing its CSVs into a temporary folder. Printed: both times and
the ratio seglab / scikit-learn (below 1 means seglab is faster), plus the summed fit
seconds of each side. --binary times another build of seglab (e.g. the AVX2 one,
.build-avx2/release/seglab; see the README). With --sklearn-budget-s, scikit-learn stops after that many seconds
and its time is extrapolated from the runs it finished (said so in the output).
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ANCHORS = os.path.join(os.environ.get("SEGLAB_SHARED", os.path.join(ROOT, "..", "shared")), "anchors")
FEATURES = ["recency_days", "frequency", "monetary", "avg_basket", "tenure_days",
            "distinct_products", "return_rate", "days_between_orders"]
K = {"from": 2, "to": 10}
GRIDS = {
    "kmeans": {"kmeans": {"k": K, "init": ["k-means++", "random"], "n_init": [1, 10]}},
    "gmm": {"gmm": {"k": K, "covariance": ["full", "tied", "diag", "spherical"]}},
    "birch": {"birch": {"k": K, "threshold": [0.3, 0.5, 1.0]}},
    "dbscan": {"dbscan": {"eps": [0.3, 0.5, 0.8], "min_samples": [5, 10]}},
    "agglo": {"agglomerative": {"k": K, "linkage": "ward"}},
    "minibatch": {"minibatch_kmeans": {"k": K}},
}
ROWS = {"20k": 20_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}


def seglab_side(grid, data, n, jobs, work, binary):
    experiment = {
        "name": f"bench-{grid}", "seed": 0,
        "data": {"customers_csv": {"path": data, "id": "customer_id", "truth": "true_segment"}},
        "feature_sets": {"all": {"columns": FEATURES, "scale": "standard"}},
        "algorithms": GRIDS[grid],
        "metrics": {"silhouette": {"sample": 20_000 if n <= 20_000 else 10_000}},
    }
    path = os.path.join(work, "experiment.json")
    with open(path, "w") as f:
        json.dump(experiment, f, indent=1)
    ledger = os.path.join(work, "ledger.sqlite")
    t0 = time.perf_counter()
    subprocess.run([binary, "run", path, "--jobs", str(jobs), "--ledger", ledger,
                    "--results", os.path.join(work, "results")], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_mb = usage.ru_maxrss / 1024
    # CPU seconds hardly move with other processes' load, unlike the wall time.
    cpu = usage.ru_utime + usage.ru_stime
    import sqlite3
    db = sqlite3.connect(ledger)
    runs, fit = db.execute("SELECT count(*), sum(value) FROM metrics WHERE name = 'fit_seconds'").fetchone()
    failed = db.execute("SELECT count(*) FROM runs WHERE status <> 'completed'").fetchone()[0]
    return dict(wall=wall, runs=runs, fit=fit or 0.0, failed=failed, peak_mb=peak_mb, cpu=cpu)


def sklearn_minibatch(data, n):
    """MiniBatchKMeans k 2..10 with the anchors' metrics; returns (fit s, metric s, runs)."""
    sys.path.insert(0, ANCHORS)
    import numpy as np
    import pandas as pd
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.metrics import adjusted_rand_score, calinski_harabasz_score, davies_bouldin_score, silhouette_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits
    df = pd.read_csv(data)
    X = StandardScaler().fit_transform(df[FEATURES].to_numpy(dtype=np.float64))
    y = df["true_segment"].to_numpy()
    fit = met = 0.0
    with threadpool_limits(limits=2):
        for k in range(2, 11):
            t0 = time.perf_counter()
            labels = MiniBatchKMeans(n_clusters=k, random_state=0).fit_predict(X)
            t1 = time.perf_counter()
            if n <= 20_000:
                silhouette_score(X, labels)
            else:
                silhouette_score(X, labels, sample_size=10_000, random_state=0)
            davies_bouldin_score(X, labels)
            calinski_harabasz_score(X, labels)
            adjusted_rand_score(y, labels)
            met += time.perf_counter() - t1
            fit += t1 - t0
    return dict(wall=fit + met, fit=fit, runs=9, planned=9, note="")


def sklearn_side(grid, data, n, budget, work):
    if grid == "minibatch":
        return sklearn_minibatch(data, n)
    cmd = [sys.executable, os.path.join(ANCHORS, "sklearn_grid.py"), data, grid, "--out-dir", work]
    if budget:
        cmd += ["--budget-s", str(budget)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(work, "results_summary.csv"), newline="") as f:
        row = list(csv.DictReader(f))[-1]
    done, planned = int(row["runs_done"]), int(row["runs_planned"])
    wall, fit = float(row["grid_wall_s"]), float(row["fit_s_sum"])
    note = ""
    if done < planned:
        note = f" (extrapolated from {done}/{planned} runs)"
        wall, fit = wall * planned / done, fit * planned / done
    return dict(wall=wall, fit=fit, runs=done, planned=planned, note=note)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("grid", choices=sorted(GRIDS))
    ap.add_argument("size", choices=sorted(ROWS))
    ap.add_argument("--data-dir", default="/tmp/anchors_data")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sklearn-budget-s", type=float, default=None)
    ap.add_argument("--skip-sklearn", action="store_true", help="time seglab only")
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "seglab"),
                    help="the seglab executable (default: the release build)")
    args = ap.parse_args()
    data = os.path.join(args.data_dir, f"customers_{args.size}.csv")
    if not os.path.exists(data):
        sys.exit(f"{data} not found: run python3 {os.path.relpath(ANCHORS)}/make_data.py first")
    n = ROWS[args.size]
    with tempfile.TemporaryDirectory() as work:
        s = seglab_side(args.grid, data, n, args.jobs, work, args.binary)
        print(f"seglab   {args.grid:9s} {args.size:>4s}: {s['runs']} runs ({s['failed']} not completed) "
              f"in {s['wall']:.2f} s whole process (fits {s['fit']:.2f} s; CPU {s['cpu']:.2f} s), "
              f"peak RSS {s['peak_mb']:.0f} MB; load: {os.getloadavg()[0]:.2f}", flush=True)
        if args.skip_sklearn:
            return
        k = sklearn_side(args.grid, data, n, args.sklearn_budget_s, work)
        print(f"sklearn  {args.grid:9s} {args.size:>4s}: {k['runs']} runs in {k['wall']:.2f} s fit + metrics "
              f"(fits {k['fit']:.2f} s){k['note']}")
        print(f"ratio seglab / scikit-learn: {s['wall'] / k['wall']:.3f} whole grid, "
              f"{s['fit'] / k['fit']:.3f} fits only; load: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
