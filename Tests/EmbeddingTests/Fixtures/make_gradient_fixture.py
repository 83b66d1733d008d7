#!/usr/bin/env python3
"""scikit-learn's Barnes-Hut t-SNE gradient at one fixed embedding, for a parity test of
seglab's P, quadtree and gradient (Tests/EmbeddingTests/TSNEComponentTests.swift).

    python3 Tests/EmbeddingTests/Fixtures/make_gradient_fixture.py   # from the repository root

Data: the first 300 rows of ../shared/reference/blobs_2k.csv (columns x0..x5). P as
TSNE(perplexity=30) builds it (91 exact neighbours, binary search, symmetrised); the
embedding is 300 x 2 standard normal draws x 5 (numpy default_rng(0)) in float32; the
gradient and KL divergence are `_kl_divergence_bh(..., angle=0.5, compute_error=True)`
with P not exaggerated. Floats are written with repr(), so they read back exactly.
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.manifold import _t_sne
from sklearn.neighbors import NearestNeighbors

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SEGLAB_SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))
ROWS = 300

frame = pd.read_csv(os.path.join(SHARED, "reference", "blobs_2k.csv"), nrows=ROWS)
x = frame[[c for c in frame.columns if c.startswith("x")]].to_numpy(dtype=np.float64)
distances = NearestNeighbors(n_neighbors=91).fit(x).kneighbors_graph(mode="distance")
distances.data **= 2
p = _t_sne._joint_probabilities_nn(distances, 30.0, 0)
y = (np.random.default_rng(0).standard_normal((ROWS, 2)) * 5).astype(np.float32)
error, grad = _t_sne._kl_divergence_bh(y.ravel().copy(), p, 1, ROWS, 2, angle=0.5, compute_error=True, num_threads=1)
doc = {
    "generator": "python3 Tests/EmbeddingTests/Fixtures/make_gradient_fixture.py",
    "sklearn": sklearn.__version__,
    "rows": ROWS,
    "embedding": [float(v) for v in y.ravel()],
    "gradient": [float(v) for v in grad],
    "kl_divergence": float(error),
}
with open(os.path.join(HERE, "expected_gradient.json"), "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
print("kl_divergence", float(error), "max |gradient|", float(np.abs(grad).max()))
