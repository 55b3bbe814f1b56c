"""Espalier's global magnitude masks must equal torch.nn.utils.prune.global_unstructured(L1Unstructured)."""
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.utils.prune as prune

from interop_common import SmallCnn, prunable, read_group, run_cli


def check(cli, work, label, model_path, eager, sparsity):
    masks_path = os.path.join(work, f"{label}-masks.h5")
    run_cli(cli, "score", "--model", model_path, "--method", "magnitude", "--sparsity", str(sparsity),
            "--data", "synthetic", "--out", masks_path)
    ours = read_group(masks_path, "masks")
    layers = prunable(eager)
    total = sum(m.weight.numel() for _, m in layers)
    keep = int(np.floor((1.0 - sparsity) * total + 1e-6))
    # An integer amount is the exact count to prune: no rounding difference between the tools.
    prune.global_unstructured([(m, "weight") for _, m in layers], pruning_method=prune.L1Unstructured,
                              amount=total - keep)
    for name, m in layers:
        theirs = m.weight_mask.detach().numpy().astype(np.uint8)
        if name not in ours:
            sys.exit(f"{label}: Espalier wrote no mask for {name} (has {sorted(ours)})")
        if ours[name].shape != theirs.shape or not np.array_equal(ours[name], theirs):
            diff = int((ours[name] != theirs).sum())
            sys.exit(f"{label}: mask of {name} differs from PyTorch in {diff} entries")
        print(f"{label}: {name} identical ({int(theirs.sum())} of {theirs.size} kept)")
    kept = sum(int(v.sum()) for v in ours.values())
    if kept != keep:
        sys.exit(f"{label}: Espalier kept {kept} weights, expected exactly {keep}")


def main():
    cli = sys.argv[1]
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as work:
        # A model the user brings: defined and scripted in Python.
        eager = SmallCnn().eval()
        path = os.path.join(work, "smallcnn.pt")
        torch.jit.save(torch.jit.script(eager), path)
        check(cli, work, "smallcnn", path, eager, 0.9)

        # A zoo model exported by Espalier and loaded back into an eager copy by parameter name.
        dense = os.path.join(work, "lenet300.pt")
        run_cli(cli, "score", "--model", "lenet300", "--method", "magnitude", "--sparsity", "0", "--data", "synthetic",
                "--export", dense)
        scripted = torch.jit.load(dense)
        eager = torch.nn.Sequential()
        eager.fc1 = torch.nn.Linear(784, 300)
        eager.fc2 = torch.nn.Linear(300, 100)
        eager.fc3 = torch.nn.Linear(100, 10)
        eager.load_state_dict(scripted.state_dict())
        check(cli, work, "lenet300", dense, eager, 0.98)
    print("global magnitude: identical to torch.nn.utils.prune.global_unstructured")


if __name__ == "__main__":
    main()
