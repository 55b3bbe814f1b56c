"""Exports of a real Fashion-MNIST run to 98 % sparsity (LeNet-300-100, a few seconds of training):
model.pt gives the logits `espalier-cli eval --logits` wrote (PyTorch's torch.jit.load on the same
inputs); checkpoint.h5 decodes with numpy alone to exactly model.pt's weights and masks.h5's masks,
and is at most 8 % of model.pt's size; layers.csv agrees with report.h5; inspect summarises it."""
import csv
import json
import os
import sys
import tempfile

import h5py
import numpy as np
import torch

from interop_common import FASHION_ROOT, read_idx, cli, expect, failures



def decode_checkpoint(path):
    """{name: (weights, mask or None)} using only h5py and numpy, as docs/formats.md describes."""
    out = {}
    with h5py.File(path, "r") as f:
        expect(f.attrs["format"] == "espalier-sparse-checkpoint" and int(f.attrs["format_version"]) == 1,
               "checkpoint root attributes")
        for name, group in f["sparse"].items():
            shape = tuple(int(d) for d in group.attrs["shape"])
            numel, kept = int(group.attrs["numel"]), int(group.attrs["kept"])
            bits = np.unpackbits(group["bitmask"][()])[:numel].astype(bool)
            values = group["values"][()]
            expect(values.dtype == np.float32 and values.size == kept == bits.sum(), f"{name}: {kept} float32 values")
            weights = np.zeros(numel, dtype=values.dtype)
            weights[bits] = values
            out[name] = (weights.reshape(shape), bits.reshape(shape))
        for name, dataset in f["dense"].items():
            out[name] = (dataset[()], None)
    return out


def check_logits(binary, work, model_path):
    logits_path = os.path.join(work, "logits.h5")
    cli(binary, "eval", "--model", model_path, "--logits", logits_path, "--samples", "64")
    with h5py.File(logits_path, "r") as f:
        inputs, logits = f["inputs"][()], f["logits"][()]
    expect(inputs.shape == (64, 1, 28, 28) and logits.shape == (64, 10) and logits.dtype == np.float32,
           "logits.h5 holds 64 inputs and 64x10 float32 logits")
    images = read_idx(os.path.join(FASHION_ROOT, "t10k-images-idx3-ubyte.gz"))[:64]
    normalised = (images.astype(np.float32) / 255.0 - 0.28604) / 0.35302
    expect(np.abs(inputs[:, 0] - normalised).max() <= 1e-6, "inputs are the first 64 test images, normalised")
    with torch.no_grad():
        theirs = torch.jit.load(model_path).eval()(torch.from_numpy(inputs)).numpy()
    diff = float(np.abs(theirs - logits).max())
    expect(diff <= 1e-5, f"torch.jit.load(model.pt) logits match espalier's (max abs diff {diff:.2e})")


def check_checkpoint(out):
    checkpoint = decode_checkpoint(os.path.join(out, "checkpoint.h5"))
    state = {k: v.numpy() for k, v in torch.jit.load(os.path.join(out, "model.pt")).state_dict().items()}
    expect(sorted(checkpoint) == sorted(state), "checkpoint holds every tensor of model.pt")
    for name, (weights, mask) in checkpoint.items():
        expect(name in state and np.array_equal(weights, state[name]), f"{name}: equals model.pt exactly")
    with h5py.File(os.path.join(out, "masks.h5"), "r") as f:
        for name, stored in f["masks"].items():
            expect(np.array_equal(checkpoint[name][1], stored[()].astype(bool)), f"{name}: mask equals masks.h5")
    sparse, dense = os.path.getsize(os.path.join(out, "checkpoint.h5")), os.path.getsize(os.path.join(out, "model.pt"))
    print(f"checkpoint.h5 {sparse} bytes, model.pt {dense} bytes ({100.0 * sparse / dense:.2f} %)")
    expect(sparse <= 0.08 * dense, "checkpoint.h5 is at most 8 % of model.pt")


def check_layer_csv(out):
    with open(os.path.join(out, "layers.csv"), newline="") as f:
        rows = list(csv.DictReader(f))
    expect([r["name"] for r in rows] == ["fc1.weight", "fc2.weight", "fc3.weight"], "layers.csv rows in network order")
    with h5py.File(os.path.join(out, "report.h5"), "r") as f:
        for row in rows:
            a = f["layers"][row["name"]].attrs
            same = (row["shape"] == "x".join(str(int(d)) for d in a["shape"]) and int(row["numel"]) == a["numel"]
                    and int(row["kept"]) == a["kept"] and float(row["density"]) == a["density"]
                    and float(row["floor"]) == a["floor"] and int(row["locked"]) == a["locked"]
                    and int(row["collapsed"]) == a["collapsed"] and int(row["effective_kept"]) == a["effective_kept"])
            expect(same, f"layers.csv row {row['name']} equals report.h5's attributes")


def check_inspect(binary, out):
    path = os.path.join(out, "checkpoint.h5")
    summary = json.loads(cli(binary, "inspect", path, "--json").stdout)
    with h5py.File(os.path.join(out, "report.h5"), "r") as f:
        kept = {name: int(g.attrs["kept"]) for name, g in f["layers"].items()}
    expect({l["name"]: l["kept"] for l in summary["layers"]} == kept, "inspect: per-layer kept == report's")
    expect(summary["file_bytes"] == os.path.getsize(path), "inspect: file size")
    expect("Espalier sparse checkpoint" in cli(binary, "inspect", path).stdout, "inspect prints a summary")


def check_reload(binary, out):
    """The checkpoint is a starting point too: eval with --weights gives model.pt's accuracy."""
    dense = json.loads(cli(binary, "eval", "--model", os.path.join(out, "model.pt"), "--json").stdout)
    sparse = json.loads(cli(binary, "eval", "--model", "lenet300", "--weights", os.path.join(out, "checkpoint.h5"),
                            "--json").stdout)
    expect(dense["test_accuracy"] == sparse["test_accuracy"] and dense["sparsity"] == sparse["sparsity"],
           f"eval --weights checkpoint.h5 == eval model.pt ({sparse['test_accuracy']:.4f})")


def check_sparse_eval(binary, out):
    """eval --sparse-all runs the compressed checkpoint through the CSR kernels: same predictions.
    (--sparse alone chooses per layer by measured speed, which a loaded CI machine may not reproduce.)"""
    result = json.loads(cli(binary, "eval", "--model", "lenet300", "--weights", os.path.join(out, "checkpoint.h5"),
                            "--sparse-all", "--json").stdout)
    s = result["sparse_execution"]
    expect(s["layers"] == 3 and s["sparse_layers"] == 3, f"eval --sparse-all: {s['sparse_layers']} of 3 layers sparse")
    expect(s["max_logit_difference"] <= 1e-4, f"eval --sparse: max |logit difference| {s['max_logit_difference']:.2g}")
    expect(abs(s["test_accuracy"] - result["test_accuracy"]) <= 1.0 / result["samples"],
           f"eval --sparse accuracy {s['test_accuracy']:.4f} == dense {result['test_accuracy']:.4f}")
    expect(s["dense_seconds"] > 0 and s["sparse_seconds"] > 0, "eval --sparse times both paths")


def main():
    binary = sys.argv[1]
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as work:
        recipe = {"model": {"name": "lenet300"}, "data": {"name": "fashion-mnist", "train_limit": 6000},
                  "method": "magnitude", "target_sparsity": 0.98, "pretrain": {"epochs": 2, "lr": 0.05},
                  "train": {"epochs": 1, "lr": 0.02, "batch": 128}, "seed": 0, "threads": 2}
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        out = os.path.join(work, "out")
        cli(binary, "run", path, "--out", out)
        with h5py.File(os.path.join(out, "report.h5"), "r") as f:
            expect(abs(float(f.attrs["final_sparsity"]) - 0.98) < 1e-4, "the run reached 98 % sparsity")
        check_logits(binary, work, os.path.join(out, "model.pt"))
        check_checkpoint(out)
        check_layer_csv(out)
        check_inspect(binary, out)
        check_reload(binary, out)
        check_sparse_eval(binary, out)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed: " + "; ".join(failures))
    print("exports: logits, sparse checkpoint, layers.csv and inspect agree with PyTorch, numpy and h5py")


if __name__ == "__main__":
    main()
