#!/usr/bin/env python3
"""ESPN mask discovery: seconds per mask epoch of Espalier vs the authors' loop in Python PyTorch.

The mask phase is where ESPN spends its time: with τ = 0.01 at 98 % on LeNet-300-100 it never meets
its stopping rule and runs all 300 epochs. This runs E mask epochs both ways on Fashion-MNIST
(LeNet-300-100, batch 256, SGD lr 0.05 momentum 0.9 wd 0, loss = NLL + α Σ|c|, forward with W ⊙ c,
shuffled batches from in-memory tensors; algorithms.md §1.2). It alternates the two, `--repeats`
times each, so that both see the same machine load. It prints the median seconds per mask epoch
(training only, without the per-epoch test evaluation) and the ratio Python / Espalier.

usage: espn_mask_epochs.py ESPALIER_CLI [--epochs 3] [--threads 1] [--repeats 2]
(run with Debian's /usr/bin/python3, which has python3-torch and h5py)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from training_throughput import load_fashion  # noqa: E402

ALPHA, MASK_LR, BATCH = 8e-5, 0.05, 256


def espalier(cli, epochs, threads):
    recipe = {"model": {"name": "lenet300"}, "data": {"name": "fashion-mnist"}, "method": "espn-finetune",
              "method_params": {"alpha": ALPHA, "tau": 0.01, "mask_lr": MASK_LR, "max_mask_epochs": epochs,
                                "batch": BATCH},
              "target_sparsity": 0.98, "pretrain": {"epochs": 0}, "train": {"epochs": 0},
              "threads": threads, "seed": 0}
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        subprocess.run([cli, "run", path, "--out", work], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with h5py.File(os.path.join(work, "report.h5"), "r") as f:
            epochs_table = f["epochs"][()]
    return [float(e["seconds"]) for e in epochs_table if e["phase"].decode() == "mask"]


class MaskedLeNet300(nn.Module):
    """LeNet-300-100 whose Linear weights are used as W ⊙ c, c a parameter initialised to 1."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)])
        self.masks = nn.ParameterList([nn.Parameter(torch.ones_like(layer.weight)) for layer in self.layers])

    def forward(self, x):
        x = x.flatten(1)
        for i, (layer, c) in enumerate(zip(self.layers, self.masks)):
            x = F.linear(x, layer.weight * c, layer.bias)
            if i < 2:
                x = F.relu(x)
        return F.log_softmax(x, dim=1)


def python_loop(x, y, epochs, threads):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = MaskedLeNet300()
    opt = torch.optim.SGD(net.parameters(), lr=MASK_LR, momentum=0.9, weight_decay=0)
    net.train()
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(len(x))
        for b in range(0, len(x), BATCH):
            index = order[b:b + BATCH]
            opt.zero_grad()
            loss = F.nll_loss(net(x.index_select(0, index)), y.index_select(0, index))
            penalty = sum(c.abs().sum() for c in net.masks)
            (loss + ALPHA * penalty).backward()
            opt.step()
        seconds.append(time.perf_counter() - start)
    return seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cli")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    x, y = load_fashion()
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours += espalier(args.cli, args.epochs, args.threads)
        theirs += python_loop(x, y, args.epochs, args.threads)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"mask epoch, LeNet-300-100, Fashion-MNIST, batch {BATCH}, {args.threads} thread(s), "
          f"{args.repeats} x {args.epochs} epochs each")
    print(f"  Espalier      {a:7.3f} s/epoch   (300 epochs: {300 * a / 60:5.1f} min)")
    print(f"  Python        {b:7.3f} s/epoch   (300 epochs: {300 * b / 60:5.1f} min)")
    print(f"  ratio Python / Espalier: {b / a:.2f}")


if __name__ == "__main__":
    main()
