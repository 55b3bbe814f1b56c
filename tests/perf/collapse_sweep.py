#!/usr/bin/env python3
"""Data-free structural check: at which compression does a method collapse VGG-16 at initialisation?

Sweeps compression 10^a (a = 0 … 4 in steps of 0.25) with `espalier-cli score` on VGG-16 (BN, CIFAR
shapes) and records, per point, whether a layer was emptied or no input→output path survived, and
the effective sparsity. Magnitude is one-shot; SynFlow uses 100 exponential rounds (its paper's
setting); it takes about two minutes per point on 14.7M weights, so --synflow-points can restrict it
to a few exponents (default: every point). Writes a Markdown table to stdout.

usage: collapse_sweep.py ESPALIER_CLI [--synflow-points all|2.75,3.5] [--max 4.0]
(run with Debian's /usr/bin/python3, which has h5py)
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import h5py
import numpy as np


def cifar_shaped_file(path):
    # Scoring by magnitude and SynFlow never looks at the data; the session still loads a dataset,
    # so give it a tiny one of the right shape.
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f["X"] = rng.integers(0, 256, size=(60, 3, 32, 32), dtype=np.uint8)
        f["y"] = np.arange(60) % 10


def score(cli, data, method, exponent, rounds):
    sparsity = 1.0 - 10.0 ** (-exponent)
    start = time.perf_counter()
    done = subprocess.run([cli, "score", "--model", "vgg16", "--method", method, "--sparsity", repr(sparsity),
                           "--rounds", str(rounds), "--data", "hdf5", "--data-root", data, "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True)
    result = json.loads(done.stdout)
    emptied = [l["name"] for l in result["layers"] if l["kept"] == 0]
    return {"collapsed": result["collapsed"], "emptied": emptied, "effective": result["effective_sparsity"],
            "seconds": time.perf_counter() - start}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("--synflow-points", default="all")
    parser.add_argument("--max", type=float, default=4.0)
    args = parser.parse_args()
    exponents = [a / 4 for a in range(0, int(args.max * 4) + 1)]
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "cifar-shaped.h5")
        cifar_shaped_file(data)
        print("| compression | sparsity | magnitude (one-shot) | SynFlow (100 rounds) |")
        print("|---|---|---|---|")
        synflow_points = (set(exponents) if args.synflow_points == "all"
                          else {float(p) for p in args.synflow_points.split(",") if p})
        for a in exponents:
            mag = score(args.cli, data, "magnitude", a, 1)
            cell = lambda r: ("**collapsed** (" + (", ".join(r["emptied"]) or "no path") + ")" if r["collapsed"]
                              else "ok") + f", effective {100 * r['effective']:.2f} %"
            syn = cell(score(args.cli, data, "synflow", a, 100)) if a in synflow_points else "not run"
            print(f"| 10^{a:.2f} | {100 * (1 - 10 ** -a):.4f} % | {cell(mag)} | {syn} |", flush=True)


if __name__ == "__main__":
    main()
