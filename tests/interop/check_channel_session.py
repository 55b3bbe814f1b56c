"""A channel cut inside a session, checked by real PyTorch.

`espalier-cli run` on a recipe that slims LeNet5-BN's channels (global |γ| ranking after a
pretraining with the γ penalty) and then prunes what is left to 90 % with magnitude. PyTorch loads
model.pt (the masked model) and model-smaller.pt and checks, independently of Espalier's code:
  * a removed channel is a zero weight row whose BatchNorm γ and β are exactly zero (held through
    fine-tuning, where momentum would have moved a free parameter);
  * the smaller model has exactly the channels that are not removed, and its outputs equal the
    masked model's on real Fashion-MNIST images;
  * layers.csv's kept_channels equal the non-zero rows of masks.h5, and global slimming removed
    half of the prunable channels.
"""
import csv
import json
import os
import sys
import tempfile

import torch

from interop_common import expect, failures, fashion_batch, read_group, run_cli

RECIPE = {
    "model": {"name": "lenet5-bn"},
    "data": {"name": "fashion-mnist", "train_limit": 2000},
    "channels": {"method": "slimming", "fraction": 0.5, "allocation": "global", "penalty": 1e-4},
    "method": "magnitude",
    "target_sparsity": 0.9,
    "pretrain": {"epochs": 2, "lr": 0.05},
    "train": {"epochs": 2, "lr": 0.01, "momentum": 0.9},
    "threads": 2,
}


def main():
    cli = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        recipe = os.path.join(tmp, "slim.json")
        with open(recipe, "w") as f:
            json.dump(RECIPE, f)
        out = os.path.join(tmp, "out")
        run_cli(cli, "run", recipe, "--out", out)
        masked = torch.jit.load(os.path.join(out, "model.pt")).eval()
        smaller = torch.jit.load(os.path.join(out, "model-smaller.pt")).eval()
        state = dict(masked.named_parameters())
        small = dict(smaller.named_parameters())

        removed_total = 0
        for layer, norm in (("conv1", "bn1"), ("conv2", "bn2"), ("fc3", "bn3")):
            weight = state[layer + ".weight"].detach()
            zero_rows = weight.flatten(1).abs().sum(1) == 0
            gamma = state[norm + ".weight"].detach()
            beta = state[norm + ".bias"].detach()
            removed = zero_rows & (gamma == 0) & (beta == 0)
            # γ = β = 0 on a live row would mean the hold zeroed a channel that was never cut.
            expect(not bool((~zero_rows & (gamma == 0) & (beta == 0)).any()),
                   f"{layer}: every channel with γ = β = 0 has a zero weight row")
            kept = int((~removed).sum())
            expect(small[layer + ".weight"].shape[0] == kept,
                   f"{layer}: the smaller model keeps {small[layer + '.weight'].shape[0]} channels, "
                   f"PyTorch counts {kept} not removed")
            removed_total += int(removed.sum())
        expect(removed_total == 285, f"global slimming removed {removed_total} of 570 prunable channels (half)")

        x, _ = fashion_batch(256)
        with torch.no_grad():
            difference = (masked(x) - smaller(x)).abs().max().item()
        expect(difference < 1e-4, f"smaller and masked model agree on 256 Fashion-MNIST images (max |Δ| {difference:.2e})")
        parameters = sum(p.numel() for p in smaller.parameters())
        dense = sum(p.numel() for p in masked.parameters())
        expect(parameters < dense / 2, f"the smaller model has {parameters} of {dense} parameters")

        masks = read_group(os.path.join(out, "masks.h5"), "masks")
        with open(os.path.join(out, "layers.csv"), newline="") as f:
            rows = {row["name"]: row for row in csv.DictReader(f)}
        for name, mask in masks.items():
            rows_kept = int((mask.reshape(mask.shape[0], -1).sum(1) > 0).sum())
            expect(int(rows[name]["kept_channels"]) == rows_kept and int(rows[name]["channels"]) == mask.shape[0],
                   f"layers.csv {name}: kept_channels {rows[name]['kept_channels']} / {rows[name]['channels']}, "
                   f"masks.h5 has {rows_kept} non-empty rows of {mask.shape[0]}")
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")


if __name__ == "__main__":
    main()
