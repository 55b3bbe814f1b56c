"""Espalier's GraSP, SynFlow and first-order Taylor scores must equal what PyTorch computes on the same
TorchScript model and the same data (algorithms.md §6, §7, §11), within 1e-5 relative (max abs diff / max abs
score). For GraSP the mask must also be the one the official code (alecwangcq/GraSP) keeps."""
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

from interop_common import FASHION_ROOT, SmallCnn, fashion_batch, read_group, read_idx, run_cli
from reference_scorers import grasp_batches, grasp_hessian_gradient, synflow_scores

SPARSITY = 0.9
TOLERANCE = 1e-5


def weights_of(model, names):
    params = dict(model.named_parameters())
    return [params[n] for n in names]


def grasp_data(samples_per_class, classes=10):
    """GraSP's two halves from the start of the training file, which holds k samples of every class."""
    labels = read_idx(os.path.join(FASHION_ROOT, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    needed = max(int(np.flatnonzero(labels == c)[samples_per_class - 1]) for c in range(classes)) + 1
    x, y = fashion_batch(needed)
    return grasp_batches(x, y, samples_per_class, classes)


def grasp_reference(model_path, names, temperature, samples_per_class):
    """The official GraSP steps on a train-mode copy (reference_scorers.grasp_hessian_gradient)."""
    model = torch.jit.load(model_path)
    model.train()
    weights = weights_of(model, names)
    hg = grasp_hessian_gradient(model, weights, grasp_data(samples_per_class), temperature)
    # The official score S = -theta * Hg, whose largest entries are removed; Espalier keeps the largest -S.
    return {n: (-(w * h)).detach().numpy() for n, w, h in zip(names, weights, hg)}


def synflow_reference(model_path, names, input_shape):
    scores = synflow_scores(torch.jit.load(model_path), lambda model: weights_of(model, names), input_shape)
    return {n: s.numpy() for n, s in zip(names, scores)}


def taylor_reference(model_path, names, samples):
    model = torch.jit.load(model_path)
    model.eval()
    weights = weights_of(model, names)
    x, y = fashion_batch(samples)
    total = [torch.zeros_like(w) for w in weights]
    batches = 0
    for start in range(0, samples, 128):
        loss = F.cross_entropy(model(x[start:start + 128]), y[start:start + 128])
        grads = torch.autograd.grad(loss, weights)
        total = [t + (g * w).detach() ** 2 for t, g, w in zip(total, grads, weights)]
        batches += 1
    return {n: (t / batches).numpy() for n, t in zip(names, total)}


def compare(label, ours, theirs):
    worst = 0.0
    for name in theirs:
        scale = float(np.abs(theirs[name]).max())
        if scale == 0.0:
            sys.exit(f"{label}: reference scores of {name} are all zero")
        err = float(np.abs(ours[name] - theirs[name]).max()) / scale
        worst = max(worst, err)
        print(f"{label}: {name} max relative error {err:.2e}")
        if err > TOLERANCE:
            sys.exit(f"{label}: scores of {name} differ from PyTorch (relative error {err:.2e} > {TOLERANCE})")
    return worst


def check_top_k(label, ours, masks):
    """Espalier keeps exactly floor(d*N) weights, those with the highest scores."""
    names = list(ours)
    flat = np.concatenate([ours[n].ravel() for n in names])
    keep = int(np.floor((1 - SPARSITY) * flat.size + 1e-6))
    kept = sum(int(masks[n].sum()) for n in names)
    if kept != keep:
        sys.exit(f"{label}: kept {kept}, expected {keep}")
    kept_min = min(float(ours[n][masks[n] == 1].min()) for n in names if masks[n].any())
    pruned_max = max(float(ours[n][masks[n] == 0].max()) for n in names if (masks[n] == 0).any())
    if kept_min < pruned_max:
        sys.exit(f"{label}: a kept weight scores {kept_min} below a pruned one ({pruned_max})")


def check_official_grasp_mask(label, official_scores, masks):
    """The official rule: S /= |sum S| + 1e-10; remove int(N*p) largest; keep S <= the last removed value."""
    names = list(official_scores)
    all_s = torch.cat([torch.from_numpy(official_scores[n]).flatten() for n in names])
    norm = torch.abs(torch.sum(all_s)) + 1e-10
    threshold = torch.topk(all_s / norm, int(len(all_s) * SPARSITY), sorted=True)[0][-1]
    scale = float(all_s.abs().max() / norm)
    only_ours = only_official = 0
    for n in names:
        s = torch.from_numpy(official_scores[n]) / norm
        official = (s <= threshold).numpy()
        near = (np.abs((s - threshold).numpy()) <= 1e-5 * scale)  # float noise between the two runs
        ours = masks[n] == 1
        only_ours += int((ours & ~official & ~near).sum())
        only_official += int((official & ~ours & ~near).sum())
    print(f"{label}: official GraSP keeps {sum(int((torch.from_numpy(official_scores[n]) / norm <= threshold).sum()) for n in names)}, "
          f"Espalier {sum(int(masks[n].sum()) for n in names)}; away from the threshold: "
          f"{only_ours} kept only by Espalier, {only_official} only by the official rule")
    if only_ours or only_official:
        sys.exit(f"{label}: the GraSP mask differs from the official rule's")


def score_cli(cli, work, label, model_path, method, samples, *extra):
    out = os.path.join(work, f"{label}-{method}.h5")
    run_cli(cli, "score", "--model", model_path, "--method", method, "--sparsity", str(SPARSITY), "--rounds", "1",
            "--data", "fashion-mnist", "--samples", str(samples), "--out", out, "--save-scores", *extra)
    return read_group(out, "scores"), read_group(out, "masks")


def check(cli, work, label, model_path, grasp_params):
    results = {}
    temperature, per_class = grasp_params
    ours, masks = score_cli(cli, work, label, model_path, "grasp", 100, "--param", f"temperature={temperature}",
                            "--param", f"samples_per_class={per_class}")
    names = list(ours)
    official = grasp_reference(model_path, names, temperature, per_class)
    results["grasp"] = compare(f"{label} grasp", ours, {n: -official[n] for n in names})
    check_top_k(f"{label} grasp", ours, masks)
    check_official_grasp_mask(f"{label} grasp", official, masks)

    ours, masks = score_cli(cli, work, label, model_path, "synflow", 100)
    results["synflow"] = compare(f"{label} synflow", ours, synflow_reference(model_path, names, (1, 28, 28)))
    check_top_k(f"{label} synflow", ours, masks)

    samples = 300  # three batches: 128, 128, 44
    ours, masks = score_cli(cli, work, label, model_path, "taylor", samples)
    results["taylor"] = compare(f"{label} taylor", ours, taylor_reference(model_path, names, samples))
    check_top_k(f"{label} taylor", ours, masks)
    for method, err in results.items():
        print(f"{label}: {method} worst relative error {err:.2e}")


def main():
    cli = sys.argv[1]
    torch.set_num_threads(2)
    torch.manual_seed(1)
    with tempfile.TemporaryDirectory() as work:
        path = os.path.join(work, "smallcnn.pt")
        torch.jit.save(torch.jit.script(SmallCnn()), path)
        check(cli, work, "smallcnn", path, (100.0, 6))
        dense = os.path.join(work, "lenet300.pt")
        run_cli(cli, "score", "--model", "lenet300", "--method", "magnitude", "--sparsity", "0", "--data", "synthetic",
                "--export", dense)
        check(cli, work, "lenet300", dense, (200.0, 10))
    print("GraSP, SynFlow and Taylor scores: equal to PyTorch's")


if __name__ == "__main__":
    main()
