"""Data-parallel runs as a user starts them: two espalier-cli processes on 127.0.0.1 (c10d/Gloo)
train LeNet-300-100 on a Fashion-MNIST subset with iterative SNIP and with ESPN. Both ranks report
the same mask checksum every round. A single process with the same global batch computed in 2
micro-batches rounds exactly as the 2 ranks: its masks.h5 (read with h5py) equals rank 0's and its
accuracy is the same. A plain single-process run (1 part per batch) rounds differently; its
accuracy must still be within 0.5 points, and how many mask entries differ is printed. Killing a
rank makes the other exit with a clear error within 60 s; a peer that never joins is an error
within the timeout."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

from interop_common import FASHION_ROOT, cli, expect, failures

BASE = {"model": {"name": "lenet300"},
        "data": {"name": "fashion-mnist", "root": FASHION_ROOT, "train_limit": 4096},
        "target_sparsity": 0.95, "allocation": "global", "seed": 5, "threads": 1}

RECIPES = {
    "snip": dict(BASE, method="snip", rounds=3, round_epochs=1, scoring={"samples": 100},
                 pretrain={"epochs": 0}, train={"epochs": 2, "batch": 128, "lr": 0.05}),
    "espn": dict(BASE, method="espn-finetune", rounds=1,
                 method_params={"alpha": 8e-5, "tau": 0.01, "mask_lr": 0.05, "max_mask_epochs": 3, "batch": 256},
                 pretrain={"epochs": 2, "batch": 256, "lr": 0.1}, train={"epochs": 4, "batch": 256, "lr": 0.05}),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_rank(binary, recipe, out, rank, port, *extra):
    return subprocess.Popen([binary, "run", recipe, "--out", out, "--json", "--world-size", "2", "--rank", str(rank),
                             "--master", f"127.0.0.1:{port}", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def masks(path):
    with h5py.File(path, "r") as f:
        return {name: np.array(f["masks"][name]) for name in f["masks"]}


def compare_with_single_process(binary, work, name, recipe):
    path = os.path.join(work, name + ".json")
    with open(path, "w") as f:
        json.dump(recipe, f)
    single_out, plain_out = os.path.join(work, name + "-single"), os.path.join(work, name + "-plain")
    single = json.loads(cli(binary, "run", path, "--out", single_out, "--json", "--set", "micro_batches=2").stdout)
    plain = json.loads(cli(binary, "run", path, "--out", plain_out, "--json").stdout)

    port = free_port()
    outs = [os.path.join(work, f"{name}-rank{r}") for r in (0, 1)]
    ranks = [start_rank(binary, path, outs[r], r, port) for r in (0, 1)]
    results = [p.communicate(timeout=900) for p in ranks]
    for r, (p, (out, err)) in enumerate(zip(ranks, results)):
        expect(p.returncode == 0, f"{name}: rank {r} finishes with exit code 0 (got {p.returncode})")
        if p.returncode != 0:
            print(err)
            return
    rank0, rank1 = (json.loads(out) for out, _ in results)
    sums = [[r["mask_checksum"] for r in result["rounds"]] for result in (rank0, rank1, single)]
    print(f"{name}: mask checksums per round: rank 0 {sums[0]}, rank 1 {sums[1]}, single process {sums[2]}")
    expect(len(sums[0]) == recipe["rounds"] and all(sums[0]), f"{name}: every round has a mask checksum")
    expect(sums[0] == sums[1], f"{name}: both ranks hold the same masks after every round")
    expect(sums[0] == sums[2], f"{name}: the ranks' masks equal the single-process run's every round")
    expect(not os.path.exists(outs[1]), f"{name}: rank 1 writes nothing; rank 0 writes the files")

    distributed_masks, single_masks = masks(os.path.join(outs[0], "masks.h5")), masks(
        os.path.join(single_out, "masks.h5"))
    expect(distributed_masks.keys() == single_masks.keys() and all(
        np.array_equal(distributed_masks[k], single_masks[k]) for k in single_masks),
           f"{name}: rank 0's masks.h5 equals the single-process masks.h5 (h5py)")
    a, b = rank0["final_test_accuracy"], single["final_test_accuracy"]
    expect(a == b, f"{name}: the same final accuracy on 2 ranks as in one process with 2 micro-batches "
                   f"({100 * a:.2f} %, {100 * b:.2f} %)")
    plain_masks = masks(os.path.join(plain_out, "masks.h5"))
    differing = sum(int((plain_masks[k] != distributed_masks[k]).sum()) for k in plain_masks)
    kept = sum(int(plain_masks[k].sum()) for k in plain_masks)
    c = plain["final_test_accuracy"]
    print(f"{name}: one part per batch: {differing} mask entries differ from the 2 ranks' ({kept} kept), "
          f"final accuracy {100 * c:.2f} %")
    expect(abs(a - c) <= 0.005, f"{name}: within 0.5 points of the plain single-process run ({100 * abs(a - c):.2f})")


def killed_peer(binary, work):
    recipe = dict(RECIPES["snip"], rounds=1, train={"epochs": 200, "batch": 128, "lr": 0.05})
    path = os.path.join(work, "long.json")
    with open(path, "w") as f:
        json.dump(recipe, f)
    port = free_port()
    ranks = [start_rank(binary, path, os.path.join(work, f"long-rank{r}"), r, port) for r in (0, 1)]
    # Kill rank 1 once rank 0 is training (its first epoch line), as a crash mid-run.
    deadline = time.time() + 120
    lines = []
    while time.time() < deadline:
        line = ranks[0].stderr.readline()
        lines.append(line)
        if "finetune epoch 1/" in line or not line:
            break
    ranks[1].send_signal(signal.SIGKILL)
    killed = time.time()
    try:
        _, err = ranks[0].communicate(timeout=90)
    except subprocess.TimeoutExpired:
        ranks[0].kill()
        _, err = ranks[0].communicate()
    waited = time.time() - killed
    ranks[1].communicate()
    print("".join(lines[-3:]) + err)
    expect(ranks[0].returncode == 1, f"rank 0 exits with code 1 when its peer dies (got {ranks[0].returncode})")
    expect(waited < 60, f"rank 0 exits within 60 s of the kill ({waited:.1f} s)")
    expect("distributed run, rank 0 of 2" in err and "failed" in err,
           "rank 0's error names the rank, the world and the failed operation")


def missing_peer(binary, work):
    recipe = dict(RECIPES["snip"], rounds=1)
    path = os.path.join(work, "alone.json")
    with open(path, "w") as f:
        json.dump(recipe, f)
    start = time.time()
    alone = start_rank(binary, path, os.path.join(work, "alone"), 0, free_port(), "--dist-timeout", "5")
    _, err = alone.communicate(timeout=120)
    waited = time.time() - start
    print(err)
    expect(alone.returncode == 1, f"a rank whose peer never joins exits with code 1 (got {alone.returncode})")
    expect(waited < 60, f"... within the timeout plus loading ({waited:.1f} s, --dist-timeout 5)")
    expect("could not meet the other ranks" in err, "... saying it could not meet the other ranks")


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        for name, recipe in RECIPES.items():
            compare_with_single_process(binary, work, name, recipe)
        killed_peer(binary, work)
        missing_peer(binary, work)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    main()
