#!/usr/bin/env python3
"""Fits the constants of seglab's cost model (Sources/SeglabRunner/Plan/RunCostModel.swift)
on measured runs, and writes the measurements it used as a CSV.

    python3 benchmarks/costs/calibrate.py LEDGER... [--csv benchmarks/costs/calibration_runs.csv]

Reads every completed K-Means run of the ledgers: its `fit_seconds` and `n_iter` metrics, its
`duration_s` (the whole run: fit, metrics, artifacts), its parameters, and the data size from the
experiment's `feature_sets.json` artifact (customers n, matrix columns d) and the run's
`silhouette_sample_size` (s). Then, as the Swift model computes them:

- K-Means, per initialisation: seconds per unit of n*d*k*n_init = total fit_seconds / total
  units (so the model gets each initialisation's total right);
- typical iterations: the median n_iter;
- what every run pays after its fit, duration_s - fit_seconds = a0 + a1*s*s + a2*s*s*d + a3*n*d, by least
  squares on the relative error (each run weighted by 1 / duration_s, so that small runs count as
  much as large ones; a term whose fitted constant is negative is dropped and the rest refitted).

Prints the constants as Swift lines to paste into RunCostModel.swift.
"""
import argparse
import csv
import json
import sqlite3
import statistics
import sys

import numpy as np


def runs_of(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    sets = {}
    for experiment, artifact in db.execute(
            "SELECT experiment, path FROM experiment_artifacts WHERE name = 'feature_sets.json'"):
        with open(artifact) as f:
            sets[experiment] = json.load(f)
    rows = db.execute("""
        SELECT r.id, r.experiment, r.feature_set, r.params_json, r.duration_s,
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'fit_seconds'),
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'n_iter'),
               (SELECT value FROM metrics WHERE run_id = r.id AND name = 'silhouette_sample_size')
        FROM runs r WHERE r.status = 'completed' AND r.algorithm = 'kmeans' ORDER BY r.id""")
    for run_id, experiment, feature_set, params, duration, fit, n_iter, sample in rows:
        fs = sets[experiment][feature_set]
        p = json.loads(params)
        yield {
            "experiment": experiment, "run_id": run_id, "feature_set": feature_set,
            "n": fs["customers"], "d": len(fs["features"]), "s": int(sample),
            "k": p["k"], "init": p["init"], "n_init": p["n_init"], "max_iter": p["max_iter"],
            "n_iter": int(n_iter), "fit_seconds": fit, "duration_s": duration,
        }


def least_squares(columns, names, y, weights):
    """Weighted non-negative least squares, dropping negative terms one at a time."""
    keep = list(range(len(names)))
    while True:
        a = np.column_stack([columns[i] * weights for i in keep])
        coef, *_ = np.linalg.lstsq(a, y * weights, rcond=None)
        if (coef >= 0).all():
            return {names[i]: c for i, c in zip(keep, coef)} | {names[i]: 0.0 for i in range(len(names)) if i not in keep}
        keep.pop(int(np.argmin(coef)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ledgers", nargs="+")
    parser.add_argument("--csv", help="write the measurements used here")
    args = parser.parse_args()
    runs = [r for path in args.ledgers for r in runs_of(path)]
    if not runs:
        sys.exit("no completed K-Means run in these ledgers")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(runs[0]))
            w.writeheader()
            w.writerows(runs)

    constants = {}
    for init, name in (("k-means++", "kmeansPlusPlus"), ("random", "kmeansRandom")):
        chosen = [r for r in runs if r["init"] == init]
        units = sum(r["n"] * r["d"] * r["k"] * r["n_init"] for r in chosen)
        constants[name] = sum(r["fit_seconds"] for r in chosen) / units
    constants["kmeansTypicalIterations"] = float(statistics.median(r["n_iter"] for r in runs))

    y = np.array([r["duration_s"] - r["fit_seconds"] for r in runs])
    columns = [np.ones(len(runs)),
               np.array([r["s"] * r["s"] for r in runs], dtype=float),
               np.array([r["s"] * r["s"] * r["d"] for r in runs], dtype=float),
               np.array([r["n"] * r["d"] for r in runs], dtype=float)]
    weights = 1 / np.array([r["duration_s"] for r in runs])
    constants |= least_squares(columns, ["overheadFixed", "overheadPairs", "overheadPairColumns", "overheadLinear"], y, weights)

    # How well the whole model predicts each run's duration.
    predicted = np.array([
        constants["kmeansPlusPlus" if r["init"] == "k-means++" else "kmeansRandom"] * r["n"] * r["d"] * r["k"] * r["n_init"]
        + constants["overheadFixed"] + constants["overheadPairs"] * r["s"] ** 2
        + constants["overheadPairColumns"] * r["s"] ** 2 * r["d"]
        + constants["overheadLinear"] * r["n"] * r["d"] for r in runs])
    measured = np.array([r["duration_s"] for r in runs])
    print(f"{len(runs)} runs from {len(args.ledgers)} ledgers; total measured {measured.sum():.1f} s, "
          f"predicted {predicted.sum():.1f} s; median |error| {np.median(np.abs(predicted / measured - 1)) * 100:.0f} % per run, "
          f"correlation {np.corrcoef(predicted, measured)[0, 1]:.3f}")
    for name, value in constants.items():
        print(f"    static let {name} = {value:.3g}")


if __name__ == "__main__":
    main()
