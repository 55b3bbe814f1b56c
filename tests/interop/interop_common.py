"""Shared helpers for the interop checks: run espalier-cli, read its HDF5 output, build reference models."""
import gzip
import os
import subprocess
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION_ROOT = "/usr/share/datasets/fashion-mnist"


class SmallCnn(nn.Module):
    """A user's own model: conv + linear layers with PyTorch-style names (conv1.weight, head.0.weight)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2)
        self.bn = nn.BatchNorm2d(16)
        self.head = nn.Sequential(nn.Linear(16 * 12 * 12, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.bn(self.conv2(x)))
        return self.head(torch.flatten(x, 1))


def prunable(module):
    """(name, module, param) of every Conv/Linear weight, in registration order like Espalier."""
    out = []
    for name, sub in module.named_modules():
        if isinstance(sub, (nn.Linear, nn.Conv2d)):
            out.append((name + ".weight", sub))
    return out


def run_cli(cli, *args):
    cmd = [cli, *args]
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(done.stdout)
    if done.returncode != 0:
        sys.exit(f"espalier-cli failed with exit code {done.returncode}")
    return done.stdout


def read_group(path, group):
    with h5py.File(path, "r") as f:
        return {name: np.array(f[group][name]) for name in f[group]}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_batch(n):
    """The first n training samples in file order, normalised as Espalier does (algorithms.md §3)."""
    images = read_idx(os.path.join(FASHION_ROOT, "train-images-idx3-ubyte.gz"))[:n]
    labels = read_idx(os.path.join(FASHION_ROOT, "train-labels-idx1-ubyte.gz"))[:n]
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    x = (x - 0.28604) / 0.35302
    return x, torch.from_numpy(labels.astype(np.int64))


failures = []


def expect(condition, message):
    """Records a failed check (the script exits non-zero at its end) and prints every check."""
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def cli(binary, *args, expect=0):
    """Runs espalier-cli; exits at once when the exit code is not `expect`."""
    done = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("$ espalier-cli", " ".join(args), "->", done.returncode, flush=True)
    if done.returncode != expect:
        print(done.stdout, done.stderr)
        sys.exit(f"espalier-cli {args[0]}: exit {done.returncode}, expected {expect}")
    return done
