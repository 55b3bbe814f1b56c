"""Structured pruning checked by real PyTorch.

A ResNet-style model written in Python (nn.Conv2d, nn.BatchNorm2d, identity shortcuts, a residual
stream shared by three blocks) is scripted, saved and pruned by `espalier-cli score --structured`.
PyTorch then loads the smaller TorchScript model and
  * counts its parameters: they must equal what the CLI predicted from the channel plan;
  * runs it against the *original* model with the removed channels zeroed in Python from the
    exported channel map (an independent reference): the logits must agree;
  * checks that the residual stream lost the same channels in every coupled layer.
The zoo VGG-16 and ResNet-20 go through the same: exported dense, pruned by half, loaded and run in
Python at batch 64, with the parameter count the plan predicted.
"""
import json
import os
import sys
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

from interop_common import run_cli


class Block(nn.Module):
    def __init__(self, planes):
        super().__init__()
        self.conv1 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


class UserResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        self.blocks = nn.Sequential(Block(16), Block(16), Block(16))
        self.head = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = self.blocks(x)
        x = F.avg_pool2d(x, 4)
        return self.head(x.view(x.size(0), -1))


def trained_looking(model):
    torch.manual_seed(7)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    return model.eval()


def parameter_count(module):
    return sum(p.numel() for p in module.parameters())


def zero_removed(model, channel_map):
    """The dense model with every removed output channel silenced: conv rows and BN γ, β to zero."""
    modules = dict(model.named_modules())
    with torch.no_grad():
        for layer in channel_map["layers"]:
            removed = sorted(set(range(layer["channels"])) - set(layer["kept"]))
            conv = modules[layer["layer"]]
            conv.weight[removed] = 0
            if conv.bias is not None:
                conv.bias[removed] = 0
    # Each BN follows the conv of the same block position.
    pairs = {"stem": "bn"}
    for b in range(3):
        pairs[f"blocks.{b}.conv1"] = f"blocks.{b}.bn1"
        pairs[f"blocks.{b}.conv2"] = f"blocks.{b}.bn2"
    with torch.no_grad():
        for layer in channel_map["layers"]:
            if layer["layer"] in pairs:
                bn = modules[pairs[layer["layer"]]]
                removed = sorted(set(range(layer["channels"])) - set(layer["kept"]))
                bn.weight[removed] = 0
                bn.bias[removed] = 0
    return model


def prune(cli, model_path, work, name, extra):
    out = os.path.join(work, name + ".pt")
    cmap = os.path.join(work, name + ".json")
    text = run_cli(cli, "score", "--model", model_path, "--data", "synthetic-cifar", "--structured",
                   "--export", out, "--channel-map", cmap, "--json", *extra)
    result = json.loads(text[text.index("{"):])
    with open(cmap) as f:
        return out, json.load(f), result


def check_user_resnet(cli, work):
    torch.manual_seed(0)
    model = trained_looking(UserResNet())
    path = os.path.join(work, "user_resnet.pt")
    torch.jit.script(model).save(path)
    pruned_path, cmap, result = prune(cli, path, work, "user_resnet_half", ["--method", "l1-filter", "--sparsity", "0.5"])

    pruned = torch.jit.load(pruned_path).eval()
    assert parameter_count(pruned) == result["predicted_parameters"] == result["parameters_after"], \
        (parameter_count(pruned), result["predicted_parameters"])
    assert parameter_count(pruned) < parameter_count(model), "nothing was removed"

    kept = {layer["layer"]: layer["kept"] for layer in cmap["layers"]}
    stream = ["stem", "blocks.0.conv2", "blocks.1.conv2", "blocks.2.conv2"]
    for name in stream[1:]:
        assert kept[name] == kept["stem"], f"residual stream: {name} kept {kept[name]}, stem kept {kept['stem']}"
    assert len(kept["stem"]) == 8, kept["stem"]
    for b in range(3):
        assert len(kept[f"blocks.{b}.conv1"]) == 8, kept
    assert len(kept["head"]) == 10, "the network output must keep every class"

    reference = UserResNet()
    reference.load_state_dict(model.state_dict())
    reference = zero_removed(reference, cmap).eval()
    x = torch.randn(16, 3, 32, 32)
    with torch.no_grad():
        want = reference(x)
        got = pruned(x)
    diff = (want - got).abs().max().item()
    print(f"user ResNet: {parameter_count(model)} -> {parameter_count(pruned)} parameters, "
          f"max |logit difference| to the zeroed dense model {diff:.2e}")
    assert diff <= 1e-4 * max(1.0, want.abs().max().item()), diff


def check_zoo(cli, work, zoo):
    dense = os.path.join(work, zoo + "-dense.pt")
    run_cli(cli, "score", "--model", zoo, "--data", "synthetic-cifar", "--method", "magnitude", "--sparsity", "0",
            "--export", dense)
    pruned_path, cmap, result = prune(cli, dense, work, zoo + "-half", ["--method", "l1-filter", "--sparsity", "0.5",
                                                                         "--latency-batch", "8"])
    pruned = torch.jit.load(pruned_path).eval()
    original = torch.jit.load(dense).eval()
    assert parameter_count(pruned) == result["predicted_parameters"], (parameter_count(pruned), result)
    assert parameter_count(original) == result["parameters_before"]
    with torch.no_grad():
        logits = pruned(torch.randn(64, 3, 32, 32))
    assert logits.shape == (64, 10), logits.shape
    assert result["removed_channels"] * 2 in (result["prunable_channels"], result["prunable_channels"] + 1) or \
        abs(result["removed_channels"] / result["prunable_channels"] - 0.5) < 0.05, result
    print(f"{zoo}: {result['parameters_before']} -> {result['parameters_after']} parameters, "
          f"MACs {result['macs_before']} -> {result['macs_after']}; runs in Python at batch 64")


def main():
    cli = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        check_user_resnet(cli, work)
        for zoo in ("vgg16", "resnet20"):
            check_zoo(cli, work, zoo)
    print("structured pruning: OK")


if __name__ == "__main__":
    main()
