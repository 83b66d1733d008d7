#!/usr/bin/env python3
"""Fixtures for seglab's DBSCAN, agglomerative and BIRCH parity tests, beside the shared
reference ones (../shared/reference): data the reference does not cover, computed once with
scikit-learn 1.9.1 and committed.

    python3 Tests/ClusteringTests/Fixtures/make_fixtures.py     # rewrites the files here (~10 s)

`blobs_aniso.csv` (1,200 x 3, numpy default_rng(7)): four anisotropic Gaussian blobs of
different sizes and spreads plus 10 % uniform background, offset by 1000 on x0 (unscaled,
norms near 1000, so an expanded-form distance would lose digits that the eps test needs).
Written with repr(), so Swift's Double(String) reads the same bits.

For each estimator the labels (and DBSCAN's core flags) go to `labels_<name>.csv`; heights
of every merge (`distances_` of AgglomerativeClustering(compute_distances=True), which
sorts SciPy's / the MST's merges) to `heights_<linkage>.csv`; `expected.json` has counts.
Every configuration must pass the same robustness checks as the shared reference: the same
partition after two relative perturbations of 1e-12 of the data (and the same number of BIRCH
subclusters); DBSCAN's eps margin (min |d - eps| / eps over all pairs) above 1e-9. The
script stops with an error otherwise.
"""
import json
import os

import numpy as np
import sklearn
from scipy.spatial.distance import pdist
from sklearn.cluster import DBSCAN, AgglomerativeClustering, Birch
from sklearn.metrics import adjusted_rand_score

HERE = os.path.dirname(os.path.abspath(__file__))


def make_data():
    rng = np.random.default_rng(7)
    parts = []
    for n, centre, scale in [(420, (0, 0, 0), (1.0, 0.3, 0.5)), (300, (6, 2, -1), (0.4, 1.2, 0.4)),
                             (240, (-4, 5, 2), (0.6, 0.6, 0.6)), (120, (3, -5, 4), (0.25, 0.25, 1.5))]:
        parts.append(rng.normal(centre, scale, size=(n, 3)))
    parts.append(rng.uniform((-8, -9, -5), (10, 9, 9), size=(120, 3)))
    x = np.concatenate(parts)
    x = x[rng.permutation(len(x))]
    x[:, 0] += 1000.0
    return x


def write_data(x, path):
    with open(path, "w") as f:
        f.write("id," + ",".join(f"x{j}" for j in range(x.shape[1])) + "\n")
        for i, row in enumerate(x):
            f.write(f"{i}," + ",".join(repr(float(v)) for v in row) + "\n")


def read_data(path):
    rows = [line.rstrip("\n").split(",") for line in open(path)][1:]
    return np.array([[float(v) for v in r[1:]] for r in rows])


def perturbed(x, seed):
    return x * (1 + 1e-12 * np.random.default_rng(seed).uniform(-1, 1, size=x.shape))


def stable(fit, x):
    base = fit(x)
    for seed in (1, 2):
        if adjusted_rand_score(base, fit(perturbed(x, seed))) != 1.0:
            raise SystemExit(f"unstable under 1e-12 perturbation: {fit}")
    return base


def write_labels(name, labels, core=None):
    with open(os.path.join(HERE, f"labels_{name}.csv"), "w") as f:
        f.write("id,label" + (",core" if core is not None else "") + "\n")
        for i, l in enumerate(labels):
            f.write(f"{i},{int(l)}" + (f",{int(core[i])}" if core is not None else "") + "\n")


def main():
    path = os.path.join(HERE, "blobs_aniso.csv")
    write_data(make_data(), path)
    x = read_data(path)
    assert np.array_equal(x, make_data()), "the CSV does not hold the exact data"
    expected = {"generated_by": {"sklearn": sklearn.__version__, "numpy": np.__version__}, "dbscan": [],
                "agglomerative": [], "birch": []}

    d = pdist(x)
    for eps, min_samples in [(0.45, 6), (0.7, 12)]:
        margin = float(np.min(np.abs(d - eps)) / eps)
        if margin <= 1e-9:
            raise SystemExit(f"dbscan eps {eps}: margin {margin}")
        fit = lambda data: DBSCAN(eps=eps, min_samples=min_samples).fit(data)
        model = fit(x)
        core = np.zeros(len(x), dtype=int)
        core[model.core_sample_indices_] = 1
        name = f"dbscan_eps{eps}_min{min_samples}"
        write_labels(name, model.labels_, core)
        expected["dbscan"].append({"file": f"labels_{name}.csv", "eps": eps, "min_samples": min_samples,
                                   "n_clusters": int(model.labels_.max() + 1), "n_noise": int((model.labels_ < 0).sum()),
                                   "n_core": int(core.sum()), "eps_margin_rel": margin})

    for linkage in ["ward", "complete", "average", "single"]:
        full = AgglomerativeClustering(n_clusters=2, linkage=linkage, compute_distances=True).fit(x)
        with open(os.path.join(HERE, f"heights_{linkage}.csv"), "w") as f:
            f.write("height\n" + "".join(f"{float(h)!r}\n" for h in full.distances_))
        for k in [4, 7]:
            labels = stable(lambda data: AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(data), x)
            name = f"agglo_{linkage}_k{k}"
            write_labels(name, labels)
            expected["agglomerative"].append({"file": f"labels_{name}.csv", "linkage": linkage, "k": k})

    for threshold, branching, k in [(0.4, 10, None), (0.6, 10, 4), (0.25, 50, None), (0.9, 5, 6)]:
        fit = lambda data: Birch(threshold=threshold, branching_factor=branching, n_clusters=k).fit(data)
        model = fit(x)
        for seed in (1, 2):
            other = fit(perturbed(x, seed))
            if len(other.subcluster_centers_) != len(model.subcluster_centers_) or \
                    adjusted_rand_score(model.labels_, other.labels_) != 1.0:
                raise SystemExit(f"birch {threshold} {branching} {k}: unstable")
        name = f"birch_t{threshold}_b{branching}_k{'none' if k is None else k}"
        write_labels(name, model.labels_)
        expected["birch"].append({"file": f"labels_{name}.csv", "threshold": threshold, "branching_factor": branching,
                                  "k": k, "n_subclusters": len(model.subcluster_centers_)})

    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
