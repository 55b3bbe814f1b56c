#!/usr/bin/env python3
"""ESPN mask discovery: seconds per mask epoch of Espalier vs the authors' loop in Python PyTorch.

The mask phase is where ESPN spends its time: with τ = 0.01 at 98 % on LeNet-300-100 it never meets
its stopping rule and runs all 300 epochs. This runs E mask epochs both ways on Fashion-MNIST
(LeNet-300-100, batch 256, SGD lr 0.05 momentum 0.9 wd 0, loss = NLL + α Σ|c|, forward with W ⊙ c,
shuffled batches from in-memory tensors; algorithms.md §1.2). It alternates the two, `--repeats`
times each, so that both see the same machine load. It prints the median seconds per mask epoch
(training only, without the per-epoch test evaluation) and the ratio Python / Espalier.

usage: espn_mask_epochs.py ESPALIER_CLI [--epochs 3] [--threads 1] [--repeats 2] [--train-limit N]
(run with Debian's /usr/bin/python3, which has python3-torch and h5py)
"""
import argparse
import os
import statistics
import sys
import time

import h5py
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from training_throughput import PerfError, load_fashion, require_cli, run_recipe  # noqa: E402

ALPHA, MASK_LR, BATCH = 8e-5, 0.05, 256


def espalier(cli, epochs, threads, train_limit=None):
    data = {"name": "fashion-mnist"}
    if train_limit:
        data["train_limit"] = int(train_limit)
    recipe = {"model": {"name": "lenet300"}, "data": data, "method": "espn-finetune",
              "method_params": {"alpha": ALPHA, "tau": 0.01, "mask_lr": MASK_LR, "max_mask_epochs": epochs,
                                "batch": BATCH},
              "target_sparsity": 0.98, "pretrain": {"epochs": 0}, "train": {"epochs": 0},
              "threads": threads, "seed": 0}

    def mask_seconds(work):
        with h5py.File(os.path.join(work, "report.h5"), "r") as f:
            epochs_table = f["epochs"][()]
        return [float(e["seconds"]) for e in epochs_table if e["phase"].decode() == "mask"]

    _, seconds = run_recipe(cli, recipe, collect=mask_seconds)
    if not seconds:
        raise PerfError("espalier-cli run recorded no ESPN mask epochs in report.h5")
    return seconds


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


def measure(cli, x, y, epochs, threads, repeats, train_limit=None, progress=None):
    """Alternates Espalier and the Python loop `repeats` times; returns (Espalier's seconds per mask
    epoch, Python's), every epoch of every repeat. `x`, `y` must hold the samples `train_limit`
    gives Espalier (load_fashion(train_limit))."""
    ours, theirs = [], []
    for r in range(repeats):
        if progress:
            progress(f"ESPN mask epochs: repeat {r + 1}/{repeats}")
        ours += espalier(cli, epochs, threads, train_limit)
        theirs += python_loop(x, y, epochs, threads)
    return ours, theirs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cli")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--train-limit", type=int, default=None, help="use only the first N training samples")
    args = ap.parse_args()
    try:
        cli = require_cli(args.cli)
        x, y = load_fashion(args.train_limit)
        ours, theirs = measure(cli, x, y, args.epochs, args.threads, args.repeats, args.train_limit)
    except PerfError as e:
        sys.exit(f"espn_mask_epochs.py: {e}")
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"mask epoch, LeNet-300-100, Fashion-MNIST, batch {BATCH}, {args.threads} thread(s), "
          f"{args.repeats} x {args.epochs} epochs each")
    print(f"  Espalier      {a:7.3f} s/epoch   (300 epochs: {300 * a / 60:5.1f} min)")
    print(f"  Python        {b:7.3f} s/epoch   (300 epochs: {300 * b / 60:5.1f} min)")
    print(f"  ratio Python / Espalier: {b / a:.2f}")


if __name__ == "__main__":
    main()
