#!/usr/bin/env python3
"""scikit-learn's GaussianMixture on seglab's own generated data and on the shared
reference sets, for ClusteringTests/GaussianMixtureTests.swift.

Writes expected_gmm.json beside this script: the data (700 customers-like rows in 4
dimensions, written with repr(), so Swift reads back the same bits), then

- `from_labels`: for k in 3, 4 and every covariance type, EM started from the one-hot
  responsibilities of given labels (sklearn's KMeans(n_clusters=k, n_init=1, random_state=0)
  labels, stored), run by scikit-learn's own EM loop (GaussianMixture with
  `_initialize_parameters` replaced by `_initialize(X, resp)`): n_iter, converged,
  lower_bound, score, bic, aic, n_parameters, weights, means, precisions_cholesky. Also two
  cut-short fits (max_iter=3) that stop unconverged.
- `default_fits`: GaussianMixture(k, covariance_type, random_state=0) as a user would call
  it (k-means init from NumPy's generator), k 2..5: score, bic, aic, n_parameters, and how
  scikit-learn's own single initialisations fare (below).
- `reference_restarts`: the same for each GMM fixture of ../shared/reference (5 data sets,
  k 2..5 × covariance type; read from there and identified by SHA-256, not copied).

How single initialisations fare: GaussianMixture(k, covariance_type, random_state=r) for
r = 0..99, each scored with `score`: `reach_rate`, the share of the 100 fits whose score is
≥ the random_state=0 score − 1e-3 (r = 0 counts), and `worst`, the lowest score among them
(the poorest local optimum a single initialisation lands in).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 make_gmm_fixtures.py [--shared ../../../../shared]

One thread each for OpenMP and BLAS: on a busy 2-core machine scikit-learn's two OpenMP
threads spin-wait for each other and a fit takes 20x the CPU; other thread counts change
only the last bits of sums (as ../shared/reference/README.md notes), far below the tests'
tolerances.
"""
import argparse
import hashlib
import json
import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture

HERE = os.path.dirname(os.path.abspath(__file__))
COVARIANCES = ["full", "tied", "diag", "spherical"]
REFERENCE_SETS = ["iris", "wine", "moons_1k", "blobs_2k", "customers_5k"]
RESTARTS = 100


def make_data(n=700, seed=13):
    """Four segments with shares 40/30/20/10 %, each a correlated Gaussian in 4 dimensions;
    the last one spread wide (the heavy spenders of customer data)."""
    rng = np.random.default_rng(seed)
    counts = [280, 210, 140, 70]
    means = [[0, 0, 0, 0], [4, 1, -2, 0.5], [-3, 3, 1, -1], [2, -4, 5, 3]]
    scales = [0.6, 1.0, 0.8, 2.5]
    rows = []
    for count, mean, scale in zip(counts, means, scales):
        a = rng.normal(size=(4, 4)) * 0.5 + np.eye(4)
        rows.append(rng.normal(size=(count, 4)) @ a * scale + mean)
    x = np.concatenate(rows)
    return x[rng.permutation(n)]


class FromResponsibilities(GaussianMixture):
    """GaussianMixture whose EM starts from given responsibilities (sklearn's own loop)."""

    def __init__(self, resp=None, **kwargs):
        super().__init__(**kwargs)
        self.resp = resp

    def _initialize_parameters(self, X, random_state, xp=None):
        self._initialize(X, self.resp)

    @classmethod
    def _get_param_names(cls):
        return sorted(GaussianMixture._get_param_names() + ["resp"])


def summary(g, X):
    return dict(score=g.score(X), bic=g.bic(X), aic=g.aic(X), n_parameters=int(g._n_parameters()),
                n_iter=int(g.n_iter_), converged=bool(g.converged_), lower_bound=float(g.lower_bound_),
                weights=g.weights_.tolist(), means=g.means_.tolist(),
                precisions_cholesky=np.asarray(g.precisions_cholesky_).ravel().tolist())


def restarts(X, k, cov, score):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores = [GaussianMixture(n_components=k, covariance_type=cov, random_state=r).fit(X).score(X)
                  for r in range(RESTARTS)]
    return dict(restarts=RESTARTS, reach_rate=sum(s >= score - 1e-3 for s in scores) / RESTARTS, worst=min(scores))


def reference_restarts(shared):
    out = {}
    for name in REFERENCE_SETS:
        path = os.path.join(shared, "reference", f"{name}.csv")
        with open(path, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(shared, "reference", f"expected_{name}.json")) as f:
            expected = json.load(f)["gmm"]["runs"]
        df = pd.read_csv(path)
        X = df[[c for c in df.columns if c.startswith("x")]].to_numpy()
        runs = []
        for run in expected:
            k, cov = run["k"], run["covariance_type"]
            runs.append(dict(k=k, covariance=cov, score=run["score"], **restarts(X, k, cov, run["score"])))
            print(name, k, cov, runs[-1]["reach_rate"], flush=True)
        out[name] = dict(sha256=sha, runs=runs)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "..", "shared"))
    args = ap.parse_args()
    X = make_data()
    out = dict(generated_by=f"make_gmm_fixtures.py with scikit-learn {sklearn.__version__}, numpy {np.__version__}",
               x=X.tolist(), from_labels=[], default_fits=[])
    for k in (3, 4):
        labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit(X).labels_
        resp = np.zeros((len(X), k))
        resp[np.arange(len(X)), labels] = 1
        for cov in COVARIANCES:
            for max_iter in (100, 3) if (k, cov) in ((3, "full"), (4, "diag")) else (100,):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    g = FromResponsibilities(resp=resp, n_components=k, covariance_type=cov, max_iter=max_iter).fit(X)
                out["from_labels"].append(dict(k=k, covariance=cov, max_iter=max_iter, labels=labels.tolist(), **summary(g, X)))
    for k in (2, 3, 4, 5):
        for cov in COVARIANCES:
            g = GaussianMixture(n_components=k, covariance_type=cov, random_state=0).fit(X)
            s = summary(g, X)
            out["default_fits"].append(dict(k=k, covariance=cov, **{key: s[key] for key in ("score", "bic", "aic", "n_parameters")},
                                            **restarts(X, k, cov, s["score"])))
    out["reference_restarts"] = reference_restarts(args.shared)
    with open(os.path.join(HERE, "expected_gmm.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
