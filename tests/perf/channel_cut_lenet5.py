#!/usr/bin/python3
"""The committed LeNet5 channel-cut recipes, run and measured.

Runs each recipe with `espalier-cli run RECIPE --json --out WORK/NAME` (a finished folder is kept,
so the script can be rerun to add the missing ones), then prints one Markdown row per recipe: the
dense accuracy after pretraining, the channels each layer kept, the parameters of model.pt and
model-smaller.pt, the final test accuracy, and the forward latency of both models at batch 64,
measured side by side in this process (median of --repeats, the two models taking turns).

usage: tests/perf/channel_cut_lenet5.py build/main/app/espalier-cli [WORK] [--threads N] [--recipes A.json ...]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch

RECIPES = [
    "lenet5-fmnist-l1-filter-50.json",
    "lenet5-fmnist-l1-filter-75.json",
    "lenet5-bn-fmnist-slimming-50.json",
    "lenet5-bn-fmnist-slimming-75.json",
]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cli, recipe, out, threads):
    result = os.path.join(out, "result.json")
    if os.path.exists(result):
        return json.load(open(result))
    cmd = [cli, "run", os.path.join(ROOT, "resources", "recipes", recipe), "--json", "--out", out,
           "--set", f"threads={threads}"]
    print("$", " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"espalier-cli failed with exit code {done.returncode} on {recipe}")
    with open(result, "w") as f:
        f.write(done.stdout)
    return json.loads(done.stdout)


def latencies(paths, batch, repeats):
    models = [torch.jit.load(p).eval() for p in paths]
    x = torch.randn(batch, 1, 28, 28)
    times = [[] for _ in models]
    with torch.no_grad():
        for m in models:  # warm-up
            m(x)
        for _ in range(repeats):
            for i, m in enumerate(models):
                start = time.perf_counter()
                m(x)
                times[i].append(time.perf_counter() - start)
    return [1000 * statistics.median(t) for t in times]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("work", nargs="?", default="/tmp/espalier-channel-cut")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--recipes", nargs="*", default=RECIPES)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| recipe | dense accuracy | channels kept (conv1/conv2/fc3) | parameters | final accuracy | "
          f"latency batch {args.batch} | speed-up |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for recipe in args.recipes:
        name = os.path.splitext(recipe)[0]
        out = os.path.join(args.work, name)
        result = run(args.cli, recipe, out, args.threads)
        dense = [e for e in result["epochs"] if e["phase"] == "pretrain"][-1]["test_accuracy"]
        kept = "/".join(f"{l['kept_channels']} of {l['channels']}" for l in result["layers"][:3])
        masked, smaller = (os.path.join(out, f) for f in ("model.pt", "model-smaller.pt"))
        params = [sum(p.numel() for p in torch.jit.load(f).parameters()) for f in (masked, smaller)]
        before, after = latencies([masked, smaller], args.batch, args.repeats)
        print(f"| {recipe} | {100 * dense:.2f} % | {kept} | {params[0]:,} → {params[1]:,} | "
              f"{100 * result['final_test_accuracy']:.2f} % | {before:.2f} → {after:.2f} ms | {before / after:.2f}× |",
              flush=True)


if __name__ == "__main__":
    main()
