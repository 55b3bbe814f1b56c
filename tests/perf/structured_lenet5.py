#!/usr/bin/python3
"""L1-filter structured pruning of LeNet5-Caffe on Fashion-MNIST, end to end with espalier-cli.

1. trains the dense model (`run`, target sparsity 0: model.pt is the dense network);
2. removes 50 % and 75 % of the prunable channels with `score --structured --method l1-filter`,
   writing the smaller TorchScript models;
3. fine-tunes each smaller model (`run` on the TorchScript file, target sparsity 0);
4. prints channels, parameters, multiply-accumulates, latency and accuracy before and after.

Structured pruning inside one session is not built yet; this chains the commands a user would.
usage: tests/perf/structured_lenet5.py build/main/app/espalier-cli [WORKDIR] [--epochs N]
"""
import argparse
import json
import os
import subprocess
import sys


def cli(binary, *args):
    cmd = [binary, *args]
    print("$", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        print(done.stdout)
        sys.exit(f"espalier-cli failed with exit code {done.returncode}")
    return done.stdout


def final_accuracy(run_dir):
    import h5py
    with h5py.File(os.path.join(run_dir, "report.h5"), "r") as f:
        return float(f.attrs["final_test_accuracy"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("work", nargs="?", default="/tmp/espalier-structured-lenet5")
    parser.add_argument("--epochs", type=int, default=15, help="dense training and fine-tuning epochs")
    args = parser.parse_args()
    recipe = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "recipes",
                          "lenet300-fmnist-magnitude-98.json")
    os.makedirs(args.work, exist_ok=True)
    dense = os.path.join(args.work, "dense")
    cli(args.cli, "run", recipe, "--set", "model.name=lenet5", "--set", f"pretrain.epochs={args.epochs}",
        "--set", "train.epochs=0", "--set", "target_sparsity=0", "--out", dense)
    dense_accuracy = final_accuracy(dense)
    rows = []
    for fraction in (0.5, 0.75):
        tag = f"l1-{int(fraction * 100)}"
        smaller = os.path.join(args.work, tag + ".pt")
        out = cli(args.cli, "score", "--structured", "--model", os.path.join(dense, "model.pt"), "--method", "l1-filter",
                  "--sparsity", str(fraction), "--export", smaller, "--json")
        cut = json.loads(out[out.index("{"):])
        tuned = os.path.join(args.work, tag + "-finetuned")
        cli(args.cli, "run", recipe, "--set", f"model.name={smaller}", "--set", "pretrain.epochs=0",
            "--set", f"train.epochs={args.epochs}", "--set", "target_sparsity=0", "--out", tuned)
        rows.append((fraction, cut, final_accuracy(tuned)))

    print(f"\nLeNet5-Caffe, Fashion-MNIST, {args.epochs} epochs dense and {args.epochs} epochs fine-tuning; "
          f"dense test accuracy {100 * dense_accuracy:.2f} %\n")
    print("| channels removed | conv1/conv2/fc3 kept | parameters | MACs / sample | latency batch 64 | "
          "accuracy after the cut | after fine-tuning |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for fraction, cut, tuned in rows:
        kept = "/".join(str(layer["kept"]) for layer in cut["layers"][:3])
        print(f"| {100 * fraction:.0f} % | {kept} | {cut['parameters_before']:,} → {cut['parameters_after']:,} | "
              f"{cut['macs_before']:,} → {cut['macs_after']:,} | {cut['latency_before_ms']:.1f} → "
              f"{cut['latency_after_ms']:.1f} ms ({cut['latency_before_ms'] / cut['latency_after_ms']:.2f}×) | "
              f"{100 * cut['test_accuracy_after_without_training']:.2f} % | {100 * tuned:.2f} % |")


if __name__ == "__main__":
    main()
