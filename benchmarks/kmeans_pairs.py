#!/usr/bin/env python3
"""A single K-Means fit, seglab against scikit-learn, in alternating pairs.

    python3 benchmarks/kmeans_pairs.py [--pairs N] [--runs R] [--data PATH] [--k K]
                                       [--bench .build/release/seglab-bench]

Runs `seglab-bench kmeans` and `benchmarks/sklearn_kmeans.py` (each its own process, the same
file, k, and R timed runs after a warm-up) one right after the other, N times, the order
swapped every pair, and prints per pair the ratio seglab / scikit-learn of the k-means++
initialisation and of the seconds per Lloyd iteration ((fit - init) / n_iter), wall and CPU,
then the median, lowest and highest ratio of the pairs. On a machine whose speed drifts
between runs minutes apart, a pair's two figures are taken seconds apart, and the spread of
the pairs shows how far one pair can be trusted.
"""
import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def figures(output, k):
    """{'init': (wall, cpu), 'iteration': (wall, cpu)} from either tool's output."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == f"kmeanspp_init_k{k}":
            found["init"] = (float(parts[1]), float(parts[3]))
        elif parts[0] == f"lloyd_s_per_iter_k{k}":
            found["iteration"] = (float(parts[1]), float(parts[3]))
    if len(found) != 2:
        sys.exit("could not read the timings from:\n" + output)
    return found


def run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=8)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/anchors_data/customers_1m.csv")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--bench", default=".build/release/seglab-bench")
    args = ap.parse_args()
    if not os.path.exists(args.bench):
        sys.exit(f"{args.bench} not found: build it first (swift build -c release --product seglab-bench)")
    common = ["--data", args.data, "--k", str(args.k), "--runs", str(args.runs)]
    seglab = [args.bench, "kmeans"] + common
    sklearn = [sys.executable, os.path.join(HERE, "sklearn_kmeans.py")] + common
    print(f"{args.pairs} pairs, {args.runs} timed runs each, {args.data}, k = {args.k}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("pair  order            init: seglab  sklearn  ratio (cpu ratio)   iteration: seglab  sklearn  ratio (cpu ratio)")
    ratios = {"init": [], "iteration": [], "init cpu": [], "iteration cpu": []}
    for p in range(args.pairs):
        sides = [("seglab", seglab), ("sklearn", sklearn)]
        outputs = {name: run(command) for name, command in (sides if p % 2 == 0 else sides[::-1])}
        s, r = figures(outputs["seglab"], args.k), figures(outputs["sklearn"], args.k)
        row = []
        for name in ("init", "iteration"):
            wall, cpu = s[name][0] / r[name][0], s[name][1] / r[name][1]
            ratios[name].append(wall)
            ratios[name + " cpu"].append(cpu)
            row.append(f"{s[name][0] * 1e3:9.2f} ms {r[name][0] * 1e3:8.2f} ms  {wall:.3f} ({cpu:.3f})")
        order = "seglab first " if p % 2 == 0 else "sklearn first"
        print(f"{p + 1:4d}  {order}   {row[0]}        {row[1]}", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    for name, values in ratios.items():
        print(f"{name:14s} seglab / scikit-learn: median {statistics.median(values):.3f} "
              f"(lowest {min(values):.3f}, highest {max(values):.3f}, {len(values)} pairs)")


if __name__ == "__main__":
    main()
