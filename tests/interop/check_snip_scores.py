"""Espalier's SNIP scores must equal |dL/dw * w| computed by PyTorch on the same model and batch."""
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

from interop_common import SmallCnn, fashion_batch, read_group, run_cli

SAMPLES = 100


def check(cli, work, label, model_path):
    out = os.path.join(work, f"{label}-snip.h5")
    run_cli(cli, "score", "--model", model_path, "--method", "snip", "--sparsity", "0.9", "--data", "fashion-mnist",
            "--samples", str(SAMPLES), "--out", out, "--save-scores")
    ours = read_group(out, "scores")
    masks = read_group(out, "masks")

    model = torch.jit.load(model_path)
    model.eval()
    x, y = fashion_batch(SAMPLES)
    loss = F.cross_entropy(model(x), y)
    params = dict(model.named_parameters())
    names = [n for n in ours]
    grads = torch.autograd.grad(loss, [params[n] for n in names])
    worst = 0.0
    for name, g in zip(names, grads):
        theirs = (g * params[name]).abs().detach().numpy()
        scale = float(np.abs(theirs).max())
        err = float(np.abs(ours[name] - theirs).max()) / scale
        worst = max(worst, err)
        print(f"{label}: {name} max relative error {err:.2e}")
        if err > 1e-5:
            sys.exit(f"{label}: SNIP scores of {name} differ from PyTorch (relative error {err:.2e} > 1e-5)")
    # The mask keeps the global top 10 % of those scores.
    flat = np.concatenate([ours[n].ravel() for n in names])
    keep = int(np.floor(0.1 * flat.size + 1e-6))
    threshold = np.sort(flat)[::-1][keep - 1]
    kept = sum(int(masks[n].sum()) for n in names)
    if kept != keep:
        sys.exit(f"{label}: kept {kept}, expected {keep}")
    for n in names:
        if (ours[n][masks[n] == 1] < threshold).any():
            sys.exit(f"{label}: {n} keeps a weight scored below the global threshold")
    print(f"{label}: worst relative error {worst:.2e}")


def main():
    cli = sys.argv[1]
    torch.manual_seed(1)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "smallcnn.pt")
        torch.jit.save(torch.jit.script(SmallCnn()), path)
        check(cli, work, "smallcnn", path)
        dense = os.path.join(work, "lenet300.pt")
        run_cli(cli, "score", "--model", "lenet300", "--method", "magnitude", "--sparsity", "0", "--data", "synthetic",
                "--export", dense)
        check(cli, work, "lenet300", dense)
    print("SNIP scores: equal to PyTorch's |grad * w|")


if __name__ == "__main__":
    main()
