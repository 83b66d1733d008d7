#!/usr/bin/env python3
"""seglab's autoencoder + K-Means and DEC against PyTorch on the same data, back to back.

    python3 ../shared/anchors/make_data.py --sizes 100000     # /tmp/anchors_data/customers_100k.csv
    swift build -c release --product seglab-bench
    python3 benchmarks/deep_vs_torch.py [--data PATH] [--epochs 20] [--dec-epochs 20] [--threads 2]
                                        [--seeds 0 [1 2]] [--skip-seglab] [--skip-torch] [--bench PATH]

On a CPU with AVX2 (as this machine's), seglab's kernels run twice as many lanes when built for
it, and compute the same bits (compare the `fingerprint` the seglab lines print):

    swift build -c release --product seglab-bench --scratch-path .build-avx2 -Xswiftc -target-cpu -Xswiftc haswell
    python3 benchmarks/deep_vs_torch.py --bench .build-avx2/release/seglab-bench

Both sides: the 8 features of ../shared/anchors/make_data.py, StandardScaler (no log
transform: what ../shared/anchors/torch_ae.py fed PyTorch), the network 8-64-32-4-32-64-8
(ReLU between layers, linear code and output), MSE, Adam(1e-3), batch 256, mini-batches sliced
from a fresh permutation every epoch; then KMeans(k=5, n_init=10) on the codes (ae_kmeans);
then DEC: Student-t q (alpha 1), target P recomputed over all rows at the start of every epoch
(inside the epoch time), KL(P||Q), SGD(0.01, momentum 0.9) on encoder and centres, batch 256.

PyTorch side: the anchors' torch_ae.py main variant (randperm slicing, float32, 2 intra-op
threads, torch.manual_seed(seed)), timed per epoch with time.perf_counter. seglab side:
`seglab-bench deep --json` (the production ae_kmeans and dec fits, epochs timed between their
own checkpoints; Glorot-uniform init and xoshiro256** shuffles, so the random draws differ).
`--threads` sets both sides' threads (torch.set_num_threads; seglab-bench --workers).
Printed: the median wall seconds per epoch of both and the ratio seglab / PyTorch (below 1:
seglab is faster); the median CPU seconds per epoch (all threads; with --threads 1 the work
itself, which a busy machine does not inflate; with 2 threads PyTorch's OpenMP workers also
count their spin-waiting); ARI against true_segment; and the machine's load average before
and after (on a shared machine compare medians taken back to back, and repeat).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FEATURES = ["recency_days", "frequency", "monetary", "avg_basket", "tenure_days",
            "distinct_products", "return_rate", "days_between_orders"]


def torch_side(path, epochs, dec_epochs, threads, seed, features=FEATURES, truth="true_segment", k=5):
    import numpy as np
    import pandas as pd
    import torch
    import torch.nn.functional as F
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits
    from torch import nn

    torch.set_num_threads(threads)
    df = pd.read_csv(path)
    Xn = StandardScaler().fit_transform(df[features].to_numpy(dtype=np.float64))
    y = df[truth].to_numpy()
    d = len(features)
    X = torch.from_numpy(Xn.astype(np.float32))
    n = X.shape[0]
    with threadpool_limits(limits=threads):
        torch.manual_seed(seed)
        enc = nn.Sequential(nn.Linear(d, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 4))
        dec = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, d))
        model = nn.Sequential(enc, dec)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(seed)
        ae_times, ae_cpu, mse = [], [], None
        for _ in range(epochs):
            t0, c0 = time.perf_counter(), time.process_time()
            total = 0.0
            perm = torch.randperm(n, generator=gen)
            for i in range(0, n, 256):
                xb = X[perm[i:i + 256]]
                opt.zero_grad()
                loss = F.mse_loss(model(xb), xb)
                loss.backward()
                opt.step()
                total += loss.item() * xb.shape[0]
            ae_times.append(time.perf_counter() - t0)
            ae_cpu.append(time.process_time() - c0)
            mse = total / n
        with torch.no_grad():
            Z = enc(X).numpy()
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(Z)
        ae_ari = adjusted_rand_score(y, km.labels_)

        centers = nn.Parameter(torch.from_numpy(km.cluster_centers_.astype(np.float32)))
        opt = torch.optim.SGD(list(enc.parameters()) + [centers], lr=0.01, momentum=0.9)

        def soft_assign(z):
            q = (1.0 + torch.cdist(z, centers).pow(2)).pow(-1.0)
            return q / q.sum(dim=1, keepdim=True)

        dec_times, dec_cpu = [], []
        for _ in range(dec_epochs):
            t0, c0 = time.perf_counter(), time.process_time()
            with torch.no_grad():
                q_all = soft_assign(enc(X))
                w = q_all.pow(2) / q_all.sum(dim=0)
                p_all = w / w.sum(dim=1, keepdim=True)
            perm = torch.randperm(n, generator=gen)
            for i in range(0, n, 256):
                idx = perm[i:i + 256]
                q = soft_assign(enc(X[idx]))
                loss = F.kl_div(q.log(), p_all[idx], reduction="batchmean")
                opt.zero_grad()
                loss.backward()
                opt.step()
            dec_times.append(time.perf_counter() - t0)
            dec_cpu.append(time.process_time() - c0)
        with torch.no_grad():
            labels = soft_assign(enc(X)).argmax(dim=1).numpy()
        dec_ari = adjusted_rand_score(y, labels)
    return dict(ae_epoch_median_s=statistics.median(ae_times), dec_epoch_median_s=statistics.median(dec_times),
                ae_epoch_cpu_s=statistics.median(ae_cpu), dec_epoch_cpu_s=statistics.median(dec_cpu),
                ae_kmeans_ari=float(ae_ari), dec_ari=float(dec_ari), ae_final_mse=mse)


def seglab_side(binary, path, epochs, dec_epochs, seed, workers):
    if not os.path.exists(binary):
        sys.exit(f"{binary} is missing: run `swift build -c release --product seglab-bench` first")
    out = subprocess.run([binary, "deep", "--data", path, "--epochs", str(epochs), "--dec-epochs", str(dec_epochs),
                          "--seed", str(seed), "--workers", str(workers), "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/anchors_data/customers_100k.csv")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--dec-epochs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "seglab-bench"),
                    help="the seglab-bench binary (e.g. one built with -target-cpu haswell)")
    ap.add_argument("--features", default=",".join(FEATURES), help="comma-separated feature columns (PyTorch side)")
    ap.add_argument("--truth", default="true_segment", help="the true segment column (PyTorch side)")
    ap.add_argument("--k", type=int, default=5, help="clusters (PyTorch side)")
    ap.add_argument("--skip-seglab", action="store_true")
    ap.add_argument("--skip-torch", action="store_true")
    args = ap.parse_args()
    print(f"data {args.data}; {args.epochs} AE epochs, {args.dec_epochs} DEC epochs; "
          f"load average before {os.getloadavg()[0]:.2f}", flush=True)
    rows = {}
    for seed in args.seeds:
        if not args.skip_seglab:
            rows.setdefault("seglab", []).append(seglab_side(args.bench, args.data, args.epochs, args.dec_epochs, seed, args.threads))
            print(f"seglab  seed {seed}: {json.dumps(rows['seglab'][-1])}", flush=True)
        if not args.skip_torch:
            rows.setdefault("torch", []).append(torch_side(args.data, args.epochs, args.dec_epochs, args.threads, seed,
                                                           args.features.split(","), args.truth, args.k))
            print(f"PyTorch seed {seed}: {json.dumps(rows['torch'][-1])}", flush=True)
    med = {side: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for side, rs in rows.items()}
    print(f"\nmedians over seeds {args.seeds}; load average after {os.getloadavg()[0]:.2f}")
    print(f"{'':24}{'seglab':>12}{'PyTorch':>12}{'ratio':>10}")
    for key, label in [("ae_epoch_median_s", "AE s/epoch"), ("dec_epoch_median_s", "DEC s/epoch"),
                       ("ae_epoch_cpu_s", "AE CPU s/epoch"), ("dec_epoch_cpu_s", "DEC CPU s/epoch"),
                       ("ae_kmeans_ari", "ae_kmeans ARI"), ("dec_ari", "dec ARI"), ("ae_final_mse", "AE final MSE")]:
        s, t = med.get("seglab", {}).get(key), med.get("torch", {}).get(key)
        ratio = f"{s / t:10.3f}" if s is not None and t and key.endswith("_s") else ""
        cell = lambda v: "-" if v is None else f"{v:.4f}"
        print(f"{label:24}{cell(s):>12}{cell(t):>12}{ratio}")


if __name__ == "__main__":
    main()
