"""Weights and masks from Python: LeNet-300-100 trained briefly in PyTorch, pruned with
torch.nn.utils.prune.l1_unstructured and saved with torch.save(model.state_dict()) (weight_orig +
weight_mask) loads into espalier-cli eval --weights with PyTorch's accuracy and logits; a run with
model.weights (or model.masks from an h5py file) keeps every weight PyTorch pruned at zero; bad
files exit 2 with a message naming the file and the tensor."""
import json
import os
import sys
import tempfile

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

from interop_common import FASHION_ROOT, fashion_batch, read_idx, cli, expect, failures

AMOUNTS = {"fc1": 0.9, "fc2": 0.8, "fc3": 0.5}


class LeNet300(nn.Module):
    """The zoo's lenet300 with the same parameter names (fc1, fc2, fc3)."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 300), nn.Linear(300, 100), nn.Linear(100, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def test_set():
    images = read_idx(os.path.join(FASHION_ROOT, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION_ROOT, "t10k-labels-idx1-ubyte.gz"))
    x = (torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1) - 0.28604) / 0.35302
    return x, torch.from_numpy(labels.astype(np.int64))


def trained_pruned_model():
    torch.manual_seed(0)
    model = LeNet300()
    x, y = fashion_batch(6000)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for start in range(0, len(y), 128):
        optimizer.zero_grad()
        F.cross_entropy(model(x[start:start + 128]), y[start:start + 128]).backward()
        optimizer.step()
    for name, amount in AMOUNTS.items():
        prune.l1_unstructured(getattr(model, name), "weight", amount=amount)
    return model.eval()


def check_eval(binary, work, model, state_path):
    x, y = test_set()
    with torch.no_grad():
        logits = model(x)
    accuracy = float((logits.argmax(1) == y).float().mean())
    logits_path = os.path.join(work, "logits.h5")
    ours = json.loads(cli(binary, "eval", "--model", "lenet300", "--weights", state_path, "--logits", logits_path,
                          "--samples", "100", "--json").stdout)
    expect(abs(ours["test_accuracy"] - accuracy) <= 1e-4,
           f"eval --weights: accuracy {ours['test_accuracy']:.4f}, PyTorch {accuracy:.4f}")
    with h5py.File(logits_path, "r") as f:
        diff = float(np.abs(f["logits"][()] - logits[:100].numpy()).max())
    expect(diff <= 1e-5, f"eval --weights: logits match PyTorch's (max abs diff {diff:.2e})")
    total = sum(getattr(model, n).weight.numel() for n in AMOUNTS)
    pruned = sum(int((getattr(model, n).weight_mask == 0).sum()) for n in AMOUNTS)
    expect(abs(ours["sparsity"] - pruned / total) < 1e-9, f"eval --weights: sparsity {ours['sparsity']:.4f}")


def check_run_keeps_masks(binary, work, model, label, model_key, path):
    recipe = {"model": {"name": "lenet300", model_key: path},
              "data": {"name": "fashion-mnist", "train_limit": 2000}, "method": "magnitude",
              "target_sparsity": 0.9, "train": {"epochs": 1, "lr": 0.02}, "seed": 1, "threads": 2}
    recipe_path = os.path.join(work, f"{label}.json")
    with open(recipe_path, "w") as f:
        json.dump(recipe, f)
    out = os.path.join(work, label)
    cli(binary, "run", recipe_path, "--out", out)
    state = torch.jit.load(os.path.join(out, "model.pt")).state_dict()
    for name in AMOUNTS:
        masked = getattr(model, name).weight_mask == 0
        leaked = int((state[name + ".weight"][masked] != 0).sum())
        expect(leaked == 0, f"{label}: {name}.weight stays zero where PyTorch pruned it ({int(masked.sum())} weights)")
    with h5py.File(os.path.join(out, "report.h5"), "r") as f:
        expect(float(f.attrs["final_sparsity"]) >= 0.9 - 1e-9, f"{label}: final sparsity >= 90 %")


def check_errors(binary, work, state_path):
    state = torch.load(state_path)
    bad_shape = dict(state, **{"fc1.weight_orig": torch.zeros(100, 784), "fc1.weight_mask": torch.ones(100, 784)})
    missing = {k: v for k, v in state.items() if k != "fc2.bias"}
    files = {"shape.pt": bad_shape, "missing.pt": missing}
    for name, content in files.items():
        torch.save(content, os.path.join(work, name))
    torch.save(state, os.path.join(work, "legacy.pt"), _use_new_zipfile_serialization=False)
    with open(state_path, "rb") as f:
        data = f.read()
    with open(os.path.join(work, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    cases = {"shape.pt": ["fc1.weight", "100x784", "300x784"], "missing.pt": ["fc2.bias"],
             "legacy.pt": ["legacy"], "truncated.pt": ["truncated"]}
    for name, words in cases.items():
        path = os.path.join(work, name)
        message = cli(binary, "eval", "--model", "lenet300", "--weights", path, expect=2).stderr
        named = all(w in message for w in words) and path in message and "model.weights" in message
        expect(named, f"{name}: exit 2 naming the file and {', '.join(words)}: {message.strip()}")


def main():
    binary = sys.argv[1]
    torch.set_num_threads(2)
    with tempfile.TemporaryDirectory() as work:
        model = trained_pruned_model()
        state_path = os.path.join(work, "pruned.pt")
        torch.save(model.state_dict(), state_path)
        expect("fc1.weight_orig" in model.state_dict() and "fc1.weight_mask" in model.state_dict(),
               "the state_dict holds weight_orig and weight_mask")
        check_eval(binary, work, model, state_path)
        check_run_keeps_masks(binary, work, model, "weights", "weights", state_path)
        masks_path = os.path.join(work, "plain-masks.h5")
        with h5py.File(masks_path, "w") as f:
            for name in AMOUNTS:
                f[f"masks/{name}.weight"] = getattr(model, name).weight_mask.numpy().astype(bool)
        check_run_keeps_masks(binary, work, model, "masks", "masks", masks_path)
        check_errors(binary, work, state_path)
    if failures:
        sys.exit(f"{len(failures)} check(s) failed: " + "; ".join(failures))
    print("prune import: PyTorch's pruned state_dict and masks load with the same accuracy and stay pruned")


if __name__ == "__main__":
    main()
