#!/usr/bin/env python3
"""Scaling on paper, from measurements: replays the measured cost of every run of a grid onto
N shards, split by seglab's own cost-balanced partition (`seglab plan FILE --shards N --format
json`), by a naive round-robin over the plan order (run i to shard i mod N) and by contiguous
blocks of the plan (the other usual naive split), and prints each split's makespan and efficiency.

    python3 benchmarks/shard_simulation.py                          # the committed 10,000-run measurements
    python3 benchmarks/shard_simulation.py --costs LEDGER_OR_CSV --experiment FILE [--shards 1 2 4 …]

A shard's time is the sum of its runs' measured `duration_s` (fit, metrics, artifacts; one run at
a time) plus its start-up: a fixed part (loading the data, expanding and partitioning the grid)
and a part per run it registers (`--startup FIXED PER_RUN`, measured as the time of a `seglab run`
with nothing left to run, for the whole grid and for one of 64 shards: see costs/README.md). The
makespan is the longest shard; efficiency = (one machine's time / N) / makespan; the lower bound
is max(the runs' total / N, the longest run) + the start-up of a shard of 1/N of the runs.

`--costs` takes a seglab ledger (its completed runs) or a CSV with columns id, duration_s,
fit_seconds (what `--write-csv` writes from a ledger).
"""
import argparse
import csv
import json
import os
import statistics
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def measured_costs(path):
    if path.endswith(".csv"):
        with open(path) as f:
            return {r["id"]: float(r["duration_s"]) for r in csv.DictReader(f)}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return dict(db.execute("SELECT id, duration_s FROM runs WHERE status = 'completed'"))


def write_csv(ledger, out):
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True)
    rows = db.execute("""
        SELECT r.id, r.duration_s, (SELECT value FROM metrics WHERE run_id = r.id AND name = 'fit_seconds')
        FROM runs r WHERE r.status = 'completed' ORDER BY r.id""")
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "duration_s", "fit_seconds"])
        for run_id, duration, fit in rows:
            w.writerow([run_id, f"{duration:.4g}", f"{fit:.4g}"])


def plan(seglab, experiment, shards):
    out = subprocess.run([seglab, "plan", experiment, "--shards", str(shards), "--format", "json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--costs", default=os.path.join(HERE, "costs", "grid10k_runs.csv"))
    parser.add_argument("--experiment", default=os.path.join(HERE, "costs", "grid10k.json"))
    parser.add_argument("--seglab", default=None, help="the binary (default: .build/release/seglab, else .build/debug/seglab)")
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 2, 4, 8, 16, 64])
    parser.add_argument("--startup", type=float, nargs=2, metavar=("FIXED", "PER_RUN"), default=STARTUP,
                        help="a shard's start-up: seconds, plus seconds per run it holds (default: measured, costs/README.md)")
    parser.add_argument("--write-csv", metavar="LEDGER", help="write the --costs CSV from a ledger, then stop")
    args = parser.parse_args()
    if args.write_csv:
        write_csv(args.write_csv, args.costs)
        return
    root = os.path.dirname(HERE)
    seglab = args.seglab or next((p for p in (os.path.join(root, ".build", c, "seglab") for c in ("release", "debug"))
                                  if os.path.exists(p)), "seglab")
    fixed, per_run = args.startup
    cost = measured_costs(args.costs)

    rows = []
    estimated = {}
    for n in args.shards:
        runs = plan(seglab, args.experiment, n)
        missing = [r["id"] for r in runs if r["id"] not in cost]
        if missing:
            sys.exit(f"{len(missing)} planned runs have no measured cost (e.g. {missing[0]}): measure the same experiment file")
        estimated = {r["id"]: r["estimated_seconds"] for r in runs}
        total = sum(cost[r["id"]] for r in runs)
        longest_run = max(cost[r["id"]] for r in runs)
        balanced, robin, blocks = [fixed] * n, [fixed] * n, [fixed] * n
        for i, r in enumerate(runs):
            balanced[r["shard"]] += cost[r["id"]] + per_run
            robin[i % n] += cost[r["id"]] + per_run
            blocks[i * n // len(runs)] += cost[r["id"]] + per_run
        bound = max(total / n, longest_run) + fixed + per_run * len(runs) / n
        one_machine = total + fixed + per_run * len(runs)
        for name, loads in (("cost-balanced", balanced), ("round-robin", robin), ("contiguous blocks", blocks)):
            makespan = max(loads)
            rows.append((n, name, makespan, one_machine / n / makespan, one_machine / makespan, bound))
    ids = sorted(estimated)
    r = statistics.correlation([estimated[i] for i in ids], [cost[i] for i in ids])
    print(f"{len(cost)} measured runs, {sum(cost.values()):.1f} s in all; a shard's start-up {fixed:.2f} s "
          f"+ {per_run * 1000:.2f} ms per run; the cost model estimates {sum(estimated.values()):.1f} s in all, "
          f"correlation with the measured runs {r:.3f}\n")
    print("| shards | partition | makespan (s) | efficiency | speed-up | lower bound (s) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for n, name, makespan, efficiency, speedup, bound in rows:
        print(f"| {n} | {name} | {makespan:.1f} | {efficiency * 100:.1f} % | {speedup:.2f}× | {bound:.1f} |")


# Measured (costs/README.md): `seglab run benchmarks/costs/grid10k.json` with nothing left to run
# took 7.5-11 s for the whole grid (10,000 runs) and 3.2-4.4 s for shard 0/64 (156 runs).
STARTUP = (3.7, 0.00056)

if __name__ == "__main__":
    main()
