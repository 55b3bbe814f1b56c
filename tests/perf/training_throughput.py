#!/usr/bin/env python3
"""Training throughput of Espalier's C++ loop vs the same loop in Python PyTorch, side by side.

Runs LeNet-300-100 on Fashion-MNIST: E dense epochs, then global magnitude pruning to 98 % and E
masked epochs, once through `espalier-cli run` and once as a plain PyTorch loop that does what the
core does per batch (index_select batch from in-memory tensors, forward, cross-entropy, backward,
mask gradients, SGD step, re-zero pruned weights). Same batch size, optimizer and thread count.
Prints samples/s (median over epochs after the first) and the ratios.

usage: training_throughput.py ESPALIER_CLI [--epochs 3] [--batch 128] [--threads 2] [--repeats 2]
(run with Debian's /usr/bin/python3, which has python3-torch)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
from interop_common import FASHION_ROOT, read_idx  # noqa: E402


def espalier(cli, epochs, batch, threads):
    recipe = {
        "model": {"name": "lenet300"}, "data": {"name": "fashion-mnist"}, "method": "magnitude",
        "target_sparsity": 0.98, "pretrain": {"epochs": epochs},
        "train": {"epochs": epochs, "batch": batch, "lr": 0.01, "momentum": 0.9, "weight_decay": 5e-4},
        "threads": threads, "seed": 0}
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        out = subprocess.run([cli, "run", path, "--out", work, "--json"], check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
    result = json.loads(out)
    dense = [e["samples_per_second"] for e in result["epochs"] if e["phase"] == "pretrain"]
    masked = [e["samples_per_second"] for e in result["epochs"] if e["phase"] == "finetune"]
    return steady(dense), steady(masked)


def steady(values):
    return statistics.median(values[1:] if len(values) > 1 else values)


def load_fashion():
    images = torch.from_numpy(read_idx(os.path.join(FASHION_ROOT, "train-images-idx3-ubyte.gz")).copy())
    labels = torch.from_numpy(read_idx(os.path.join(FASHION_ROOT, "train-labels-idx1-ubyte.gz")).copy()).long()
    x = ((images.float() / 255.0 - 0.28604) / 0.35302).unsqueeze(1)
    return x, labels


def python_loop(x, y, epochs, batch, threads, masked):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                          nn.Linear(100, 10))
    weights = [m.weight for m in model if isinstance(m, nn.Linear)]
    masks = None
    if masked:
        scores = torch.cat([w.detach().abs().flatten() for w in weights])
        keep = int(0.02 * scores.numel() + 1e-6)
        threshold = torch.topk(scores, keep).values.min()
        masks = [w.detach().abs() >= threshold for w in weights]
        with torch.no_grad():
            for w, m in zip(weights, masks):
                w.mul_(m)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    rates = []
    n = y.numel()
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for b in range(0, n, batch):
            index = order[b:b + batch]
            xb, yb = x.index_select(0, index), y.index_select(0, index)
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            loss.backward()
            if masks:
                for w, m in zip(weights, masks):
                    w.grad.mul_(m)
            opt.step()
            if masks:
                with torch.no_grad():
                    for w, m in zip(weights, masks):
                        w.mul_(m)
            loss.item()
            (logits.detach().argmax(1) == yb).sum().item()
        rates.append(n / (time.perf_counter() - start))
    return steady(rates)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    x, y = load_fashion()
    rows = {"espalier dense": [], "espalier masked": [], "python dense": [], "python masked": []}
    for _ in range(args.repeats):
        dense, masked = espalier(args.cli, args.epochs, args.batch, args.threads)
        rows["espalier dense"].append(dense)
        rows["espalier masked"].append(masked)
        rows["python dense"].append(python_loop(x, y, args.epochs, args.batch, args.threads, False))
        rows["python masked"].append(python_loop(x, y, args.epochs, args.batch, args.threads, True))
    best = {k: max(v) for k, v in rows.items()}
    print(f"LeNet-300-100 / Fashion-MNIST, batch {args.batch}, {args.threads} threads, torch {torch.__version__}")
    for k, v in rows.items():
        print(f"  {k:16s} {best[k]:9.0f} samples/s   (runs: {', '.join(f'{r:.0f}' for r in v)})")
    print(f"  masked / dense (espalier)      {best['espalier masked'] / best['espalier dense']:.3f}")
    print(f"  espalier / python (dense)      {best['espalier dense'] / best['python dense']:.3f}")
    print(f"  espalier / python (masked)     {best['espalier masked'] / best['python masked']:.3f}")


if __name__ == "__main__":
    main()
