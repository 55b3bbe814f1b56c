"""espalier-cli sweep, as a user meets it: a small sweep on real Fashion-MNIST (2 methods × 2
sparsities × 2 seeds) interrupted with Ctrl-C in its third cell and run again continues that cell
and skips the finished ones; one killed with SIGKILL redoes the cell from its last autosave. It ends with the same masks and summary as the sweep left alone. The
summary is read with h5py and checked against the cells' result.json files and numpy's mean and
sample standard deviation."""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from interop_common import cli, expect, failures

RECIPE = {"model": {"name": "lenet300"},
          "data": {"name": "fashion-mnist", "root": "/usr/share/datasets/fashion-mnist", "train_limit": 4000},
          "method": "magnitude", "target_sparsity": 0.9,
          "pretrain": {"epochs": 2, "lr": 0.05}, "train": {"epochs": 3, "lr": 0.02, "batch": 128},
          "seed": 0, "threads": 1}
SWEEP_ARGS = ["--methods", "magnitude,snip", "--sparsities", "0.9,0.98", "--seeds", "0,1"]


def interrupted_sweep(binary, recipe, out, sig=signal.SIGINT):
    """Starts the sweep and sends `sig` during the second epoch of its third cell."""
    proc = subprocess.Popen([binary, "sweep", recipe, *SWEEP_ARGS, "--out", out], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + 300
    for line in proc.stdout:
        lines.append(line)
        if "magnitude-98-seed0: finetune epoch 1/3" in line or time.time() > deadline:
            proc.send_signal(sig)
            break
    rest, _ = proc.communicate(timeout=300)
    output = "".join(lines) + rest
    print(output)
    return proc.returncode, output


def masks(path):
    with h5py.File(path, "r") as f:
        return {name: np.array(f["masks"][name]) for name in f["masks"]}


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        recipe = os.path.join(work, "recipe.json")
        with open(recipe, "w") as f:
            json.dump(RECIPE, f)
        straight, broken = os.path.join(work, "straight"), os.path.join(work, "broken")
        cli(binary, "sweep", recipe, *SWEEP_ARGS, "--out", straight)

        code, output = interrupted_sweep(binary, recipe, broken)
        expect(code == 1, f"Ctrl-C stops the sweep with exit code 1 (got {code})")
        expect("run the same command again" in output, "the message says how to continue")
        cell = os.path.join(broken, "cells", "magnitude-98-seed0")
        expect(os.path.exists(os.path.join(cell, "session.h5")) and
               not os.path.exists(os.path.join(cell, "result.json")),
               "the interrupted cell left session.h5 and no result.json")

        again = cli(binary, "sweep", recipe, *SWEEP_ARGS, "--out", broken)
        expect("magnitude-90-seed0: finished earlier, skipped" in again.stdout, "the rerun skips finished cells")
        expect("magnitude-98-seed0: continuing from" in again.stdout,
               "the rerun continues the interrupted cell from its session.h5")
        expect(again.stdout.count(": started") == 6, "the rerun runs the interrupted cell and the 5 not started")

        # A hard kill saves nothing and leaves the folder lock to the kernel: the rerun redoes the
        # cell from its last autosave (here: the shared pretraining) and ends the same.
        killed = os.path.join(work, "killed")
        code, _ = interrupted_sweep(binary, recipe, killed, signal.SIGKILL)
        expect(code == -signal.SIGKILL, f"SIGKILL ends the sweep at once (got {code})")
        cli(binary, "sweep", recipe, *SWEEP_ARGS, "--out", killed)

        with open(os.path.join(straight, "sweep.json")) as f:
            plan = json.load(f)
        expect(len(plan["cells"]) == 8, "8 cells planned")
        for c in plan["cells"]:
            a = masks(os.path.join(straight, "cells", c["name"], "masks.h5"))
            for other in (broken, killed):
                b = masks(os.path.join(other, "cells", c["name"], "masks.h5"))
                expect(a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a),
                       f"{c['name']}: the same masks as the uninterrupted sweep ({os.path.basename(other)})")

        results = {}
        for c in plan["cells"]:
            with open(os.path.join(broken, "cells", c["name"], "result.json")) as f:
                results[c["name"]] = json.load(f)
        with h5py.File(os.path.join(broken, "summary.h5"), "r") as f:
            expect(f.attrs["format"] == "espalier-sweep-summary", "summary.h5 says format = espalier-sweep-summary")
            points = f["points"][()]
            cells = f["cells"][()]
            dense = f.attrs["dense_test_accuracy"]
        expect(len(points) == 4 and len(cells) == 8, "summary.h5: 4 points and 8 cells")
        for p in points:
            method = p["method"].decode()
            finals = [r["final_test_accuracy"] for r in results.values()
                      if r["method"] == method and abs(r["sparsity"] - p["sparsity"]) < 1e-12]
            expect(len(finals) == 2 and p["runs"] == 2, f"{method} at {p['sparsity']}: two seeds")
            expect(abs(p["final_mean"] - np.mean(finals)) < 1e-12 and
                   abs(p["final_spread"] - np.std(finals, ddof=1)) < 1e-12,
                   f"{method} at {p['sparsity']}: mean and spread equal numpy's (ddof=1)")
        denses = {r["seed"]: r["dense_test_accuracy"] for r in results.values()}
        expect(abs(dense - np.mean(list(denses.values()))) < 1e-12, "the dense baseline is the mean over seeds")
        with open(os.path.join(broken, "summary.csv")) as f:
            rows = list(csv.DictReader(f))
        expect([(r["method"], float(r["final_mean"])) for r in rows] ==
               [(p["method"].decode(), float(p["final_mean"])) for p in points],
               "summary.csv lists the same points as summary.h5")
        for other in (straight, killed):
            with open(os.path.join(other, "summary.csv")) as f:
                expect([r["final_mean"] for r in csv.DictReader(f)] == [r["final_mean"] for r in rows],
                       f"the final accuracies of {os.path.basename(other)} equal the interrupted sweep's, "
                       "digit for digit")

        changed = cli(binary, "sweep", recipe, *SWEEP_ARGS, "--set", "train.epochs=4", "--out", broken, expect=2)
        expect("train.epochs" in changed.stderr and "magnitude-90-seed0" in changed.stderr,
               "a rerun with another budget is refused, naming the cell and key")
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    main()
