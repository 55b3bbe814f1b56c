"""ESPN's mask discovery must match the same steps written in PyTorch: a LeNet-300-100 defined and
scripted in Python, masks c = 1 on every weight, forward with W*c, cross-entropy + alpha * sum|c|,
SGD(lr, momentum 0.9, no weight decay) on W, b and c, batches of 128 in file order (no shuffle).
After one epoch (4 steps on 512 samples) |c| and the folded weights W*c of ESPN-Finetune must agree
within 1e-5 relative."""
import json
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from interop_common import fashion_batch

ALPHA, LR, BATCH, SAMPLES = 1e-3, 0.05, 128, 512


class LeNet300(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 300)
        self.fc2 = nn.Linear(300, 100)
        self.fc3 = nn.Linear(100, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def reference(model, x, y):
    names = ["fc1", "fc2", "fc3"]
    w = [getattr(model, n).weight.detach().clone().requires_grad_() for n in names]
    b = [getattr(model, n).bias.detach().clone().requires_grad_() for n in names]
    c = [torch.ones_like(t).requires_grad_() for t in w]
    opt = torch.optim.SGD(w + b + c, lr=LR, momentum=0.9, weight_decay=0)
    for start in range(0, SAMPLES, BATCH):
        xb, yb = x[start:start + BATCH].flatten(1), y[start:start + BATCH]
        h = F.relu(F.linear(xb, w[0] * c[0], b[0]))
        h = F.relu(F.linear(h, w[1] * c[1], b[1]))
        logits = F.linear(h, w[2] * c[2], b[2])
        loss = F.cross_entropy(logits, yb) + ALPHA * sum(t.abs().sum() for t in c)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return {f"{n}.weight": (ci.detach().numpy(), (wi * ci).detach().numpy(), bi.detach().numpy())
            for n, wi, ci, bi in zip(names, w, c, b)}


def main():
    cli = sys.argv[1]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = LeNet300()
    with tempfile.TemporaryDirectory() as work:
        model_path = os.path.join(work, "lenet300.pt")
        torch.jit.save(torch.jit.script(model), model_path)
        recipe = {"model": {"name": model_path}, "data": {"name": "fashion-mnist", "train_limit": SAMPLES},
                  "method": "espn-finetune",
                  "method_params": {"alpha": ALPHA, "mask_lr": LR, "max_mask_epochs": 1, "batch": BATCH, "shuffle": 0},
                  "target_sparsity": 0.5, "pretrain": {"epochs": 0}, "train": {"epochs": 0}, "threads": 1}
        recipe_path = os.path.join(work, "espn.json")
        with open(recipe_path, "w") as f:
            json.dump(recipe, f)
        out = os.path.join(work, "out")
        done = subprocess.run([cli, "run", recipe_path, "--out", out, "--save-scores"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        print(done.stdout)
        if done.returncode != 0:
            sys.exit(f"espalier-cli run failed with exit code {done.returncode}")
        with h5py.File(os.path.join(out, "masks.h5"), "r") as f:
            scores = {n: np.array(f["scores"][n]) for n in f["scores"]}
            masks = {n: np.array(f["masks"][n]) for n in f["masks"]}
        folded = torch.jit.load(os.path.join(out, "model.pt"))
        params = {n: p.detach().numpy() for n, p in folded.named_parameters()}

    x, y = fashion_batch(SAMPLES)
    expected = reference(model, x, y)
    failures = []
    for name, (c, wc, bias) in expected.items():
        checks = [("|c|", scores[name], np.abs(c)),
                  ("kept W*c", params[name][masks[name] == 1], wc[masks[name] == 1]),
                  ("bias", params[name.replace("weight", "bias")], bias)]
        for label, ours, theirs in checks:
            err = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
            print(f"{name} {label}: max relative error {err:.2e}")
            if err > 1e-5:
                failures.append(f"{name} {label} differs ({err:.2e})")
        moved = float(np.abs(c - 1).max())
        if moved < 1e-4:
            failures.append(f"{name}: c did not move ({moved:.1e}); the check would be vacuous")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("ESPN mask discovery: same c, folded weights and biases as PyTorch")


if __name__ == "__main__":
    main()
