"""espalier-cli resume, as a user meets it: a run on real Fashion-MNIST interrupted with Ctrl-C after
its first round is resumed from the session.h5 it left, and ends with the same model.pt tensors,
masks and final accuracy (bit for bit, one thread) as the same run left alone. session.h5 is read
with h5py to check the documented layout."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import torch

from interop_common import cli, expect, failures

def interrupted_run(binary, recipe, out):
    """Starts `run`, sends SIGINT once round 1's report exists, returns the exit code."""
    proc = subprocess.Popen([binary, "run", recipe, "--out", out], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    report = os.path.join(out, "report.h5")
    deadline = time.time() + 300
    while not os.path.exists(report) and proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=300)
    print(output)
    return proc.returncode, output


def model_tensors(path):
    model = torch.jit.load(path)
    return {name: t.detach().clone() for name, t in model.named_parameters()}


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        recipe = {"model": {"name": "lenet300"},
                  "data": {"name": "fashion-mnist", "root": "/usr/share/datasets/fashion-mnist", "train_limit": 6000},
                  "method": "magnitude", "target_sparsity": 0.9, "rounds": 3, "round_epochs": 2,
                  "pretrain": {"epochs": 1, "lr": 0.05}, "train": {"epochs": 2, "lr": 0.02, "batch": 128},
                  "seed": 3, "threads": 1}
        path = os.path.join(work, "recipe.json")
        with open(path, "w") as f:
            json.dump(recipe, f)
        straight, broken = os.path.join(work, "straight"), os.path.join(work, "broken")
        cli(binary, "run", path, "--out", straight)

        code, output = interrupted_run(binary, path, broken)
        expect(code == 1, f"Ctrl-C stops the run with exit code 1 (got {code})")
        session = os.path.join(broken, "session.h5")
        expect(os.path.exists(session), "the interrupted run left session.h5")
        with h5py.File(session, "r") as f:
            expect(f.attrs["format"] == "espalier-session", "session.h5 says format = espalier-session")
            resume_round = int(f.attrs["resume_round"])
            expect(1 <= resume_round < 3, f"round {resume_round} was the last finished round, before the last")
            if "phase" in f:
                # Ctrl-C in the middle of training: it continues after the last finished epoch.
                phase = f["phase"]
                print("continues inside", phase.attrs["phase"], "round", phase.attrs["round"],
                      "after epoch", phase.attrs["next_epoch"])
                expect(int(phase.attrs["round"]) == resume_round + 1, "the phase belongs to the next round")
                momentum = np.array(phase["optimizer"]["fc1.weight"]["momentum_buffer"])
                expect(momentum.shape == (300, 784), "the SGD momentum buffer of fc1.weight is saved")
                state = phase["state"]
            else:
                state = f["history"][f"round_{resume_round}"]
            names = [n for n in f["mask_names"].asstr()]
            expect(names == ["fc1.weight", "fc2.weight", "fc3.weight"], f"mask_names in network order: {names}")
            density = sum(int(np.array(state["masks"][n]).sum()) for n in names) / sum(
                np.array(state["masks"][n]).size for n in names)
            expect(density < 1.0, f"the saved round's masks are pruned (density {density:.3f})")
            w = np.array(state["parameters"]["fc1.weight"])
            m = np.array(state["masks"]["fc1.weight"]).astype(bool)
            expect(w.shape == (300, 784) and not w[~m].any(), "saved fc1.weight is zero wherever its mask is")
            snapshot = json.loads(f["snapshot"].asstr()[0])
            expect(len(snapshot["rounds"]) == resume_round, "the snapshot holds the finished rounds' records")
        expect("espalier-cli resume" in output, "the interrupted run says how to continue")

        cli(binary, "resume", session)
        a, b = model_tensors(os.path.join(straight, "model.pt")), model_tensors(os.path.join(broken, "model.pt"))
        expect(a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a),
               "the resumed run's model.pt equals the uninterrupted run's, bit for bit")
        with h5py.File(os.path.join(straight, "masks.h5"), "r") as fa, \
                h5py.File(os.path.join(broken, "masks.h5"), "r") as fb:
            expect(all(np.array_equal(fa["masks"][n], fb["masks"][n]) for n in fa["masks"]), "same masks")
        with h5py.File(os.path.join(straight, "report.h5"), "r") as fa, \
                h5py.File(os.path.join(broken, "report.h5"), "r") as fb:
            expect(fa.attrs["final_test_accuracy"] == fb.attrs["final_test_accuracy"],
                   f"same final test accuracy ({fa.attrs['final_test_accuracy']} vs {fb.attrs['final_test_accuracy']})")
            expect(len(fb["rounds"]) == 3, "the resumed report has all three rounds")

        bad = os.path.join(work, "bad.h5")
        with open(bad, "w") as f:
            f.write("not a session")
        done = subprocess.run([binary, "resume", bad], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        expect(done.returncode == 2 and "bad.h5" in done.stderr, f"a corrupt session file exits 2 naming it: {done.stderr.strip()}")
    if failures:
        sys.exit("\n".join(failures))
    print("all resume checks passed")


if __name__ == "__main__":
    main()
