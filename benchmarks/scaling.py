#!/usr/bin/env python3
"""How seglab's cost grows with the number of customers, against scikit-learn and pandas,
measured back to back in one invocation.

    python3 ../shared/anchors/make_data.py              # /tmp/anchors_data/customers_{20k,100k,1m}.csv
    python3 ../shared/anchors/make_data.py --sizes 5000000   # customers_5m.csv, for --sizes 5m
    swift build -c release                              # .build/release/seglab and seglab-bench
    python3 benchmarks/scaling.py [--sizes 20k 100k 1m] [--jobs 2] [--skip-sklearn] [--skip-ingest]
                                  [--skip-grid] [--sklearn-budget-s S] [--work /tmp/seglab_scaling]
                                  [--build-dir .build-avx2/release]

Per size N (customers):
- ingest: `seglab generate transactions --customers N` writes an order export (about 20
  lines per customer; kept in --work for the next invocation), then `seglab-bench ingest
  FILE --runs 1` (read, check every row, default cleaning, the SPEC §5 features of every
  customer) and `benchmarks/pandas_ingest.py FILE --runs 1` (read_csv + groupby, the same
  features) each run as their own process: wall seconds of the whole process and its peak
  RSS (from wait4), next to the file's size. pandas is left out (and said so) where it would
  not fit: its peak here is about 3.4 times the file's size, against MemAvailable.
- the anchors' K-Means grid (k 2..10 × init × n_init {1, 10}: 36 runs; silhouette exact up
  to 20,000 rows, else on a 10,000-row sample) on `customers_<N>.csv`: `seglab run --jobs J`
  as one process (load, scaling, fits, metrics, artifacts, ledger) with its peak RSS, and
  the anchors' own `sklearn_grid.py` (fits + metrics; loading excluded), via
  `grids_vs_sklearn.py`.
Printed: a Markdown table (seconds, peak RSS, per-run cost, ratio seglab / other: below 1
means seglab is faster), the load average before each measurement, and the fitted exponent
b of time ∝ N^b (least squares on log time against log N) for every column. --build-dir
takes seglab and seglab-bench from another build (e.g. the AVX2 one; see the README).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import grids_vs_sklearn as grids  # noqa: E402

BIN = os.path.join(ROOT, ".build", "release")
ROWS = grids.ROWS


def child(cmd, **kw):
    """Runs cmd to completion: (wall seconds, peak RSS in MB of that process alone, stdout).
    Its CPU seconds (user + system) go to stderr: on a busy machine they are the steadier figure."""
    out = tempfile.TemporaryFile()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited with {p.returncode}")
    print(f"  {' '.join(os.path.basename(c) for c in cmd[:3])}: wall {wall:.2f} s, "
          f"CPU {usage.ru_utime + usage.ru_stime:.2f} s", file=sys.stderr, flush=True)
    out.seek(0)
    return wall, usage.ru_maxrss / 1024, out.read().decode()


def load():
    return f"{os.getloadavg()[0]:.1f}"


def ingest(n, work):
    path = os.path.join(work, f"transactions_{n}.csv")
    if not os.path.exists(path):
        child([os.path.join(BIN, "seglab"), "generate", "transactions", "--customers", str(n), "--out", path + ".part"],
              stderr=subprocess.DEVNULL)
        os.rename(path + ".part", path)
    size_mb = os.path.getsize(path) / 1e6
    la = load()
    s_wall, s_rss, s_out = child([os.path.join(BIN, "seglab-bench"), "ingest", path, "--runs", "1"])
    rows = int(s_out.split(": ")[-1].split(" rows")[0]) if " rows -> " in s_out else 0
    customers = s_out.split("-> ")[1].split(" customers")[0] if "-> " in s_out else "?"
    row = dict(rows=rows, size_mb=size_mb, seglab=s_wall, seglab_rss=s_rss, pandas=None, pandas_rss=None, load=la)
    need_mb, available_mb = PANDAS_PEAK_PER_FILE_BYTE * size_mb, memory_available_mb()
    if need_mb > available_mb:
        print(f"pandas left out at {n:,} customers: it would need about {need_mb:,.0f} MB "
              f"({PANDAS_PEAK_PER_FILE_BYTE}× the file), {available_mb:,.0f} MB available", file=sys.stderr)
        return row
    p_wall, p_rss, p_out = child([sys.executable, os.path.join(HERE, "pandas_ingest.py"), path, "--runs", "1"])
    pandas_customers = p_out.split(": ")[-1].split(" customers")[0]
    if customers != pandas_customers:
        print(f"warning: customer counts differ: seglab {customers}, pandas {pandas_customers}", file=sys.stderr)
    row.update(pandas=p_wall, pandas_rss=p_rss)
    return row


# pandas' peak RSS over the file's size, measured here at 1M customers (5,269 MB for 1,557 MB).
PANDAS_PEAK_PER_FILE_BYTE = 3.4


def memory_available_mb():
    with open("/proc/meminfo") as f:
        fields = dict(line.split(":", 1) for line in f)
    return int(fields["MemAvailable"].split()[0]) / 1024


def grid(size, jobs, work, skip_sklearn, budget):
    data = os.path.join("/tmp/anchors_data", f"customers_{size}.csv")
    if not os.path.exists(data):
        sys.exit(f"{data} not found: run python3 {os.path.relpath(grids.ANCHORS)}/make_data.py first")
    n = ROWS[size]
    d = tempfile.mkdtemp(dir=work)
    experiment = {
        "name": "scaling-kmeans", "seed": 0,
        "data": {"customers_csv": {"path": data, "id": "customer_id", "truth": "true_segment"}},
        "feature_sets": {"all": {"columns": grids.FEATURES, "scale": "standard"}},
        "algorithms": grids.GRIDS["kmeans"],
        "metrics": {"silhouette": {"sample": 20_000 if n <= 20_000 else 10_000}},
    }
    path = os.path.join(d, "experiment.json")
    with open(path, "w") as f:
        json.dump(experiment, f, indent=1)
    la = load()
    ledger = os.path.join(d, "ledger.sqlite")
    s_wall, s_rss, _ = child([os.path.join(BIN, "seglab"), "run", path, "--jobs", str(jobs), "--ledger", ledger,
                              "--results", os.path.join(d, "results")], stderr=subprocess.DEVNULL)
    import sqlite3
    db = sqlite3.connect(ledger)
    runs, fit = db.execute("SELECT count(*), sum(value) FROM metrics WHERE name = 'fit_seconds'").fetchone()
    disk = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(os.path.join(d, "results")) for f in fs)
    row = dict(n=n, seglab=s_wall, seglab_rss=s_rss, seglab_fit=fit, runs=runs, disk_mb=disk / 1e6, load=la)
    if not skip_sklearn:
        row["sklearn_load"] = load()
        k = grids.sklearn_side("kmeans", data, n, budget, d)
        row.update(sklearn=k["wall"], sklearn_fit=k["fit"], sklearn_note=k["note"])
    shutil.rmtree(d)
    return row


def exponent(ns, ts):
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if t]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)


def main():
    global BIN
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["20k", "100k", "1m"], choices=sorted(ROWS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-sklearn", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-grid", action="store_true", help="measure only the ingest")
    ap.add_argument("--sklearn-budget-s", type=float, default=None)
    ap.add_argument("--work", default="/tmp/seglab_scaling")
    ap.add_argument("--build-dir", default=BIN, help="folder holding seglab and seglab-bench (default: the release build)")
    args = ap.parse_args()
    BIN = os.path.abspath(args.build_dir)
    os.makedirs(args.work, exist_ok=True)
    ingests, grids_ = [], []
    for size in args.sizes:
        if not args.skip_ingest:
            r = ingest(ROWS[size], args.work)
            ingests.append((ROWS[size], r))
            print(f"ingest {size}: {r}", file=sys.stderr, flush=True)
        if not args.skip_grid:
            g = grid(size, args.jobs, args.work, args.skip_sklearn, args.sklearn_budget_s)
            grids_.append(g)
            print(f"grid {size}: {g}", file=sys.stderr, flush=True)

    if ingests:
        print("| customers | order lines | file | seglab ingest → features | peak RSS | pandas | peak RSS | ratio | load |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for n, r in ingests:
            pandas = (f"{r['pandas']:.2f} s | {r['pandas_rss']:,.0f} MB | {r['seglab'] / r['pandas']:.3f}"
                      if r["pandas"] else "does not fit | – | –")
            print(f"| {n:,} | {r['rows']:,} | {r['size_mb']:,.0f} MB | {r['seglab']:.2f} s | {r['seglab_rss']:,.0f} MB "
                  f"| {pandas} | {r['load']} |")
        ns = [n for n, _ in ingests]
        print(f"\nexponent b (time ∝ N^b): seglab ingest {exponent(ns, [r['seglab'] for _, r in ingests]) or float('nan'):.2f}, "
              f"pandas {exponent(ns, [r['pandas'] for _, r in ingests]) or float('nan'):.2f}\n")
    if not grids_:
        return
    print("| customers | seglab grid (36 runs) | per run | peak RSS | results on disk | scikit-learn | per run | ratio | load (seglab / sklearn) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for g in grids_:
        sk = g.get("sklearn")
        print(f"| {g['n']:,} | {g['seglab']:.1f} s | {g['seglab'] / g['runs']:.2f} s | {g['seglab_rss']:,.0f} MB "
              f"| {g['disk_mb']:,.1f} MB | " + (f"{sk:.1f} s{g['sklearn_note']} | {sk / 36:.2f} s | {g['seglab'] / sk:.3f}" if sk else "– | – | –")
              + f" | {g['load']} / {g.get('sklearn_load', '–')} |")
    ns = [g["n"] for g in grids_]
    b = exponent(ns, [g["seglab"] for g in grids_])
    bk = exponent(ns, [g.get("sklearn") for g in grids_]) if all(g.get("sklearn") for g in grids_) else None
    print(f"\nexponent b (time ∝ N^b): seglab grid {b if b is not None else float('nan'):.2f}, "
          f"scikit-learn {bk if bk is not None else float('nan'):.2f}")


if __name__ == "__main__":
    main()
