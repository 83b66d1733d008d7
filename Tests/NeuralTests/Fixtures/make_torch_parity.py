#!/usr/bin/env python3
"""PyTorch's autoencoder and DEC steps on fixed batches, for the parity test of seglab's
dense kernels, MSE, Adam, Student's t / KL(P||Q) and SGD with momentum
(Tests/NeuralTests/TorchParityTests.swift).

    python3 Tests/NeuralTests/Fixtures/make_torch_parity.py   # from the repository root

Data: the first 300 rows of ../shared/reference/customers_5k.csv (x0..x4, segments `true`),
rounded to float32 as seglab's networks read them. Network: the autoencoder 5-9-6-3-6-9-5
(ReLU after the hidden layers, linear code and output), nn.Linear's own initialisation under
torch.manual_seed(0), rounded to float32.

1. Autoencoder: MSE, Adam(lr=0.01), batches rows 0-127, 128-255, 256-299 in that order
   (no shuffling), two passes: 6 steps. Recorded: the gradient of the first step, every
   step's loss, the parameters after the last step.
2. DEC from the trained encoder (float32-rounded) and centres = the mean code of each of the
   4 segments: target P from all 300 rows (alpha = 1, p = q^2/f row-normalised), then
   KL(P||Q) batchmean with SGD(lr=0.01, momentum=0.9) on encoder + centres over the same 3
   batches. Recorded: P, the gradient of the first step, every loss, the final parameters.

Everything is computed in float64 from the float32 starting values (the exact answer that
seglab's Float32 must approach); floats are written with repr(), so they read back exactly.
Parameters are in seglab's layout: per layer the weights inputs x outputs row-major (torch's
weight transposed), then the biases; for DEC the centres (k x 3, row-major) follow.
"""
import json
import os

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SEGLAB_SHARED", os.path.join(HERE, "..", "..", "..", "..", "shared"))
ROWS, HIDDEN, LATENT, K = 300, [9, 6], 3, 4
BATCHES = [(0, 128), (128, 256), (256, 300)]

frame = pd.read_csv(os.path.join(SHARED, "reference", "customers_5k.csv"), nrows=ROWS)
x32 = frame[[c for c in frame.columns if c.startswith("x")]].to_numpy(dtype=np.float64).astype(np.float32)
X = torch.from_numpy(x32.astype(np.float64))
segments = frame["true"].to_numpy()

torch.manual_seed(0)
widths = [X.shape[1]] + HIDDEN + [LATENT] + HIDDEN[::-1] + [X.shape[1]]
layers = []
for i in range(len(widths) - 1):
    layers.append(nn.Linear(widths[i], widths[i + 1]))
    if i not in (len(HIDDEN), len(widths) - 2):
        layers.append(nn.ReLU())
model = nn.Sequential(*layers).double()
with torch.no_grad():
    for p in model.parameters():
        p.copy_(p.float().double())  # start from float32 values, as seglab's Float32 does
linears = [m for m in model if isinstance(m, nn.Linear)]
encoder = model[: 2 * len(HIDDEN) + 1]


def flat(mods, tensors=None):
    """seglab's layout of the layers' parameters (or of tensors shaped like them)."""
    out = []
    it = iter(tensors) if tensors is not None else None
    for m in mods:
        w, b = (next(it), next(it)) if it else (m.weight, m.bias)
        out += w.detach().t().reshape(-1).tolist() + b.detach().reshape(-1).tolist()
    return out


def grads(mods):
    return [t for m in mods for t in (m.weight.grad, m.bias.grad)]


doc = {"generator": "python3 Tests/NeuralTests/Fixtures/make_torch_parity.py", "torch": torch.__version__,
       "rows": ROWS, "hidden": HIDDEN, "latent": LATENT, "k": K, "batches": BATCHES}

# 1. Autoencoder with Adam.
doc["ae_initial"] = flat(linears)
opt = torch.optim.Adam(model.parameters(), lr=0.01)
losses = []
for step, (a, b) in enumerate(BATCHES * 2):
    opt.zero_grad()
    loss = F.mse_loss(model(X[a:b]), X[a:b])
    loss.backward()
    if step == 0:
        doc["ae_first_gradient"] = flat(linears, grads(linears))
    opt.step()
    losses.append(loss.item())
doc["ae_losses"] = losses
doc["ae_final"] = flat(linears)

# 2. DEC from the trained encoder, rounded to float32 as a seglab run would hold it.
with torch.no_grad():
    for p in encoder.parameters():
        p.copy_(p.float().double())
    codes = encoder(X)
    centers = nn.Parameter(torch.stack([codes[torch.from_numpy(segments == s)].mean(0) for s in range(K)]).float().double())
enc_linears = [m for m in encoder if isinstance(m, nn.Linear)]
doc["dec_initial"] = flat(enc_linears) + centers.detach().reshape(-1).tolist()


def soft_assign(z):
    q = 1.0 / (1.0 + ((z[:, None, :] - centers[None, :, :]) ** 2).sum(2))
    return q / q.sum(1, keepdim=True)


with torch.no_grad():
    q = soft_assign(encoder(X))
    w = q ** 2 / q.sum(0)
    p_all = w / w.sum(1, keepdim=True)
doc["dec_target"] = p_all.reshape(-1).tolist()
opt = torch.optim.SGD(list(encoder.parameters()) + [centers], lr=0.01, momentum=0.9)
losses = []
for step, (a, b) in enumerate(BATCHES):
    opt.zero_grad()
    loss = F.kl_div(soft_assign(encoder(X[a:b])).log(), p_all[a:b], reduction="batchmean")
    loss.backward()
    if step == 0:
        doc["dec_first_gradient"] = flat(enc_linears, grads(enc_linears)) + centers.grad.reshape(-1).tolist()
    opt.step()
    losses.append(loss.item())
doc["dec_losses"] = losses
doc["dec_final"] = flat(enc_linears) + centers.detach().reshape(-1).tolist()

with open(os.path.join(HERE, "expected_torch_parity.json"), "w") as f:
    json.dump(doc, f, indent=0)
    f.write("\n")
print("ae losses", doc["ae_losses"], "dec losses", doc["dec_losses"])
