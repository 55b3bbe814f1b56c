"""espalier-cli end to end: run writes a report, model and masks that agree with each other and
with what it printed; the exported model loads in PyTorch with zeros where the masks say; bad input
exits 2 with a message naming the key, file or layer."""
import json
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def cli(binary, *args, expect=0):
    done = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    print("$ espalier-cli", " ".join(args), "->", done.returncode)
    if done.returncode != expect:
        print(done.stdout, done.stderr)
        failures.append(f"{' '.join(args[:2])}: exit {done.returncode}, expected {expect}")
    return done


def expect(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        failures.append(message)


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        recipe = {"model": {"name": "lenet5"}, "data": {"name": "synthetic", "train_limit": 512},
                  "method": "magnitude", "target_sparsity": 0.95, "rounds": 2, "round_epochs": 1,
                  "pretrain": {"epochs": 1, "lr": 0.05}, "train": {"epochs": 1, "lr": 0.02, "batch": 64},
                  "threads": 1}
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        out = os.path.join(work, "out")
        done = cli(binary, "run", path, "--out", out)
        printed = re.search(r"^sparsity ([0-9.]+) %", done.stdout, re.M)
        expect(printed is not None, "run prints the final sparsity")
        report, masks_path, model_path = (os.path.join(out, n) for n in ("report.h5", "masks.h5", "model.pt"))
        contract = subprocess.run([sys.executable, os.path.join(HERE, "check_report_h5py.py"), report, masks_path],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        expect(contract.returncode == 0, "report.h5 and masks.h5 meet the h5py contract")
        if contract.returncode != 0:
            print(contract.stdout)

        with h5py.File(report, "r") as f:
            final = float(f.attrs["final_sparsity"])
            rounds = f["rounds"]["sparsity"][:]
            stored_recipe = json.loads(f.attrs["recipe"])
        expect(printed is not None and printed.group(1) == f"{100 * final:.2f}", "printed sparsity == report's")
        expect(len(rounds) == 2 and rounds[0] < rounds[1], "two rounds on an increasing schedule")
        expect(stored_recipe["target_sparsity"] == 0.95 and stored_recipe["rounds"] == 2, "report stores the recipe")

        with h5py.File(masks_path, "r") as f:
            masks = {name: np.array(f["masks"][name]) for name in f["masks"]}
        total = sum(m.size for m in masks.values())
        kept = sum(int(m.sum()) for m in masks.values())
        expect(kept == int(0.05 * total + 1e-6), f"exactly floor(0.05 * {total}) weights kept ({kept})")
        model = torch.jit.load(model_path)
        params = dict(model.named_parameters())
        for name, mask in masks.items():
            weight = params[name].detach().numpy()
            expect(np.all(weight[mask == 0] == 0), f"{name}: pruned weights are exactly zero in model.pt")

        done = cli(binary, "eval", "--model", model_path, "--data", "synthetic", "--json")
        evaluated = json.loads(done.stdout) if done.returncode == 0 else {}
        expect(abs(evaluated.get("sparsity", -1) - final) < 1e-12, "eval counts the same sparsity from model.pt")

        done = cli(binary, "inspect", report)
        expect("fc3.weight" in done.stdout and f"{100 * final:.2f} %" in done.stdout, "inspect shows layers and sparsity")

        # Bad input: exit 2 and a message that names what is wrong.
        bad = dict(recipe, train={"epochs": 1, "lerning_rate": 0.1})
        with open(path, "w") as f:
            json.dump(bad, f)
        done = cli(binary, "run", path, "--out", out, expect=2)
        expect("train.lerning_rate" in done.stderr, "unknown recipe key is named")
        done = cli(binary, "run", path, "--set", "train.lerning_rate=", "--out", out, expect=2)
        with open(path, "w") as f:
            json.dump(recipe, f)
        done = cli(binary, "run", path, "--set", "exclude=[\"fc9\"]", "--out", out, expect=2)
        expect("fc9" in done.stderr, "exclude pattern matching nothing is named")
        done = cli(binary, "run", path, "--set", "data.name=mnist", "--set", "data.root=/nonexistent/mnist",
                   "--out", out, expect=2)
        expect("/nonexistent/mnist" in done.stderr, "missing data folder is named")
        done = cli(binary, "score", "--model", os.path.join(work, "missing.pt"), "--method", "magnitude",
                   "--sparsity", "0.5", "--data", "synthetic", expect=2)
        expect("missing.pt" in done.stderr, "missing model file is named")
        garbage = os.path.join(work, "garbage.h5")
        with open(garbage, "wb") as f:
            f.write(b"not hdf5 at all")
        done = cli(binary, "inspect", garbage, expect=2)
        expect("garbage.h5" in done.stderr, "a file that is not HDF5 is named")
        cli(binary, "score", "--model", "lenet300", "--method", "magnitude", "--sparsity", "1.5", "--data", "synthetic",
            expect=2)
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("espalier-cli contract: all checks passed")


if __name__ == "__main__":
    main()
