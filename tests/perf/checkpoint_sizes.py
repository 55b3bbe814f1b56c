#!/usr/bin/env python3
"""How small is a sparse checkpoint? LeNet-300-100 pruned by magnitude at initialisation to 90 %,
98 % and 99.6 % sparsity with `espalier-cli score --export model.pt --export-sparse checkpoint.h5`;
prints the TorchScript model.pt size, the checkpoint size and their ratio as a Markdown table.
The contract (DESIGN.md, "Exports"): at 98 % the checkpoint is at most 8 % of model.pt.

usage: checkpoint_sizes.py ESPALIER_CLI [--sparsities 0.9,0.98,0.996] [--model lenet300]
(run with Debian's /usr/bin/python3, which has h5py)
"""
import argparse
import os
import subprocess
import tempfile

import h5py


def export(cli, work, model, sparsity):
    dense, sparse = os.path.join(work, f"{sparsity}.pt"), os.path.join(work, f"{sparsity}.h5")
    subprocess.run([cli, "score", "--model", model, "--method", "magnitude", "--sparsity", repr(sparsity),
                    "--data", "fashion-mnist", "--export", dense, "--export-sparse", sparse],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    with h5py.File(sparse, "r") as f:
        numel = sum(int(g.attrs["numel"]) for g in f["sparse"].values())
        kept = sum(int(g.attrs["kept"]) for g in f["sparse"].values())
        bitmask = sum(g["bitmask"].id.get_storage_size() for g in f["sparse"].values())
        values = sum(g["values"].id.get_storage_size() for g in f["sparse"].values())
    return os.path.getsize(dense), os.path.getsize(sparse), 1.0 - kept / numel, bitmask, values


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli")
    parser.add_argument("--sparsities", default="0.9,0.98,0.996")
    parser.add_argument("--model", default="lenet300")
    args = parser.parse_args()
    print(f"| {args.model} sparsity | model.pt bytes | checkpoint.h5 bytes | ratio | bitmask bytes | values bytes |")
    print("|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for sparsity in (float(s) for s in args.sparsities.split(",")):
            dense, sparse, actual, bitmask, values = export(args.cli, work, args.model, sparsity)
            print(f"| {100 * actual:.1f} % | {dense} | {sparse} | {100.0 * sparse / dense:.2f} % | {bitmask} | "
                  f"{values} |", flush=True)


if __name__ == "__main__":
    main()
