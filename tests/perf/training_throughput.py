#!/usr/bin/env python3
"""Training throughput of Espalier's C++ loop vs the same loop in Python PyTorch, side by side.

Runs LeNet-300-100 or LeNet5-Caffe on Fashion-MNIST: E dense epochs, then global magnitude pruning
to 98 % and E masked epochs, once through `espalier-cli run` and once as a plain PyTorch loop that
does what the core does per batch (index_select batch from in-memory tensors, forward,
cross-entropy, backward, mask gradients, SGD step, re-zero pruned weights). Same architecture,
batch size, optimizer and thread count. Prints samples/s (median over epochs after the first) and
the ratios.

usage: training_throughput.py ESPALIER_CLI [--model lenet300|lenet5] [--epochs 3] [--batch 128]
                              [--threads 2] [--repeats 2] [--train-limit N]
(run with Debian's /usr/bin/python3, which has python3-torch)

The functions are also used by performance_report.py.
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

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from interop_common import FASHION_ROOT, read_idx  # noqa: E402

MODEL_NAMES = {"lenet300": "LeNet-300-100", "lenet5": "LeNet5-Caffe"}
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
MASKED_SPARSITY = 0.98


class PerfError(Exception):
    """A measurement could not run: missing binary or data, or espalier-cli failed."""


def require_cli(cli):
    """The path to an executable espalier-cli, or PerfError naming the path."""
    if os.path.isdir(cli):
        raise PerfError(f"{cli} is a directory; give the espalier-cli binary, e.g. build/main/app/espalier-cli")
    if not os.path.isfile(cli):
        raise PerfError(f"espalier-cli not found: {cli} (build it with ninja -C BUILD_DIR espalier-cli)")
    if not os.access(cli, os.X_OK):
        raise PerfError(f"espalier-cli is not executable: {cli}")
    return os.path.abspath(cli)


def require_fashion(root=FASHION_ROOT):
    """The Fashion-MNIST training files, or PerfError naming the missing path."""
    paths = [os.path.join(root, name) for name in (TRAIN_IMAGES, TRAIN_LABELS)]
    for path in paths:
        if not os.path.isfile(path):
            raise PerfError(f"Fashion-MNIST file not found: {path} (install the dataset or fix FASHION_ROOT in "
                            f"tests/interop/interop_common.py)")
    return paths


def run_cli(cli, *args):
    """Runs espalier-cli and returns its stdout; PerfError with the end of stderr when it fails."""
    done = subprocess.run([cli, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise PerfError(f"{cli} {' '.join(args)} failed with exit code {done.returncode}:\n{tail}")
    return done.stdout, done.stderr


def run_recipe(cli, recipe, collect=None):
    """`espalier-cli run RECIPE --out TMP --json`; returns the parsed JSON, or (JSON, collect(TMP)) when
    `collect` is given, to read the run's files before the temporary folder goes."""
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        out, _ = run_cli(cli, "run", path, "--out", work, "--json")
        result = json.loads(out)
        return (result, collect(work)) if collect else result


def espalier(cli, epochs, batch, threads, model="lenet300", train_limit=None):
    """Espalier's dense and 98 %-masked samples/s (each the median of the epochs after the first)."""
    data = {"name": "fashion-mnist"}
    if train_limit:
        data["train_limit"] = int(train_limit)
    recipe = {
        "model": {"name": model}, "data": data, "method": "magnitude",
        "target_sparsity": MASKED_SPARSITY, "pretrain": {"epochs": epochs},
        "train": {"epochs": epochs, "batch": batch, "lr": 0.01, "momentum": 0.9, "weight_decay": 5e-4},
        "threads": threads, "seed": 0}
    result = run_recipe(cli, recipe)
    dense = [e["samples_per_second"] for e in result["epochs"] if e["phase"] == "pretrain"]
    masked = [e["samples_per_second"] for e in result["epochs"] if e["phase"] == "finetune"]
    if not dense or not masked:
        raise PerfError(f"espalier-cli run reported no pretrain or finetune epochs for {model}")
    return steady(dense), steady(masked)


def steady(values):
    """Median of the epochs after the first (the first warms up allocators and caches)."""
    return statistics.median(values[1:] if len(values) > 1 else values)


def load_fashion(limit=None):
    """Fashion-MNIST training images (N, 1, 28, 28), normalised as Espalier does, and labels."""
    images_path, labels_path = require_fashion()
    images = torch.from_numpy(read_idx(images_path).copy())
    labels = torch.from_numpy(read_idx(labels_path).copy()).long()
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = ((images.float() / 255.0 - 0.28604) / 0.35302).unsqueeze(1)
    return x, labels


def build_model(model):
    """The zoo architecture (core/src/modelzoo.cpp) as an eager nn.Module, PyTorch default init."""
    if model == "lenet300":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                             nn.Linear(100, 10))
    if model == "lenet5":
        # LeNet5-Caffe as ESPN's archs (and Espalier's zoo): ReLU after both convs.
        return nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
    raise ValueError(f"unknown model {model!r} (known: {', '.join(MODEL_NAMES)})")


def prunable_weights(model):
    """Conv2d and Linear weights in registration order, as Espalier's prunable tensors."""
    return [m.weight for m in model.modules() if isinstance(m, (nn.Linear, nn.Conv2d))]


def python_loop(x, y, epochs, batch, threads, masked, model="lenet300"):
    """The Python side: samples/s of the same loop (median of the epochs after the first)."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = build_model(model)
    weights = prunable_weights(net)
    masks = None
    if masked:
        scores = torch.cat([w.detach().abs().flatten() for w in weights])
        keep = int((1.0 - MASKED_SPARSITY) * scores.numel() + 1e-6)
        threshold = torch.topk(scores, keep).values.min()
        masks = [w.detach().abs() >= threshold for w in weights]
        with torch.no_grad():
            for w, m in zip(weights, masks):
                w.mul_(m)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    net.train()
    rates = []
    n = y.numel()
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for b in range(0, n, batch):
            index = order[b:b + batch]
            xb, yb = x.index_select(0, index), y.index_select(0, index)
            opt.zero_grad()
            logits = net(xb)
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


ROWS = ("espalier dense", "espalier masked", "python dense", "python masked")


def measure(cli, x, y, model, epochs, batch, threads, repeats, train_limit=None, progress=None):
    """Alternates the four runs `repeats` times so that all see the same machine load; returns
    {row: [samples/s per repeat]} with the rows of ROWS. `x`, `y` must hold the same samples as
    `train_limit` gives Espalier (load_fashion(train_limit))."""
    rows = {k: [] for k in ROWS}
    for r in range(repeats):
        if progress:
            progress(f"training {model} batch {batch}: repeat {r + 1}/{repeats}")
        dense, masked = espalier(cli, epochs, batch, threads, model, train_limit)
        rows["espalier dense"].append(dense)
        rows["espalier masked"].append(masked)
        rows["python dense"].append(python_loop(x, y, epochs, batch, threads, False, model))
        rows["python masked"].append(python_loop(x, y, epochs, batch, threads, True, model))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cli")
    parser.add_argument("--model", choices=sorted(MODEL_NAMES), default="lenet300")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--train-limit", type=int, default=None, help="use only the first N training samples")
    args = parser.parse_args()
    try:
        cli = require_cli(args.cli)
        x, y = load_fashion(args.train_limit)
        rows = measure(cli, x, y, args.model, args.epochs, args.batch, args.threads, args.repeats, args.train_limit)
    except PerfError as e:
        sys.exit(f"training_throughput.py: {e}")
    best = {k: max(v) for k, v in rows.items()}
    print(f"{MODEL_NAMES[args.model]} / Fashion-MNIST, batch {args.batch}, {args.threads} threads, "
          f"torch {torch.__version__}")
    for k, v in rows.items():
        print(f"  {k:16s} {best[k]:9.0f} samples/s   (runs: {', '.join(f'{r:.0f}' for r in v)})")
    print(f"  masked / dense (espalier)      {best['espalier masked'] / best['espalier dense']:.3f}")
    print(f"  espalier / python (dense)      {best['espalier dense'] / best['python dense']:.3f}")
    print(f"  espalier / python (masked)     {best['espalier masked'] / best['python masked']:.3f}")


if __name__ == "__main__":
    main()
