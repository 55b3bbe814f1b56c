#!/usr/bin/env python3
"""Cost of scoring and masking: `espalier-cli score` against the same steps in Python PyTorch.

For SNIP, GraSP and SynFlow (100 rounds on the exponential schedule) at a target sparsity, both
sides do what the core does (core/src/scoring.cpp, graspscorer.cpp, synflowscorer.cpp;
algorithms.md §5–7), then keep the global top-k and zero the pruned weights:
- SNIP: |∂L/∂w ⊙ w| on the first `samples` training samples in file order, eval mode, CE loss;
- GraSP: a train-mode copy; the first 10 samples of every class, grouped by class, in two halves;
  g = Σ ∇L(logits / 200), Hg by double backprop, score θ ⊙ Hg (the highest are kept);
- SynFlow: a float64 copy with |·| of every parameter and buffer, masked weights zero, eval mode,
  R = Σ f(ones(1, C, H, W)), score |∂R/∂θ ⊙ θ|; round k keeps d^(k/n) of the weights, and pruned
  weights stay pruned.
Espalier's time is `score_seconds` from `espalier-cli score --json` (scoring and mask selection
only, summed over rounds). Python's is measured the same way: a fresh process loads the data and
builds the model untimed, then times the scoring and masking only. The two alternate.

usage: scoring_cost.py ESPALIER_CLI [--model lenet300|lenet5] [--methods snip,grasp,synflow]
                       [--sparsity 0.98] [--rounds 100] [--repeats 3]
(run with Debian's /usr/bin/python3, which has python3-torch)

The functions are also used by performance_report.py.
"""
import argparse
import copy
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# reference_scorers.py sits in ../interop, beside the CI check that pins it to our scores; perf borrows it.
sys.path.insert(1, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import reference_scorers  # noqa: E402
from training_throughput import (MODEL_NAMES, PerfError, build_model, load_fashion, prunable_weights,  # noqa: E402
                                 require_cli, run_cli)

METHODS = ("snip", "grasp", "synflow")
SNIP_SAMPLES = 100           # ScoreOptions::samples, the scoring batch of `espalier-cli score`
GRASP_TEMPERATURE = 200.0    # GraspOptions defaults
GRASP_SAMPLES_PER_CLASS = 10
INPUT_SHAPE = (1, 28, 28)


def espalier_seconds(cli, model, method, sparsity, rounds):
    """({"seconds": score_seconds, "scores", "masks", "checks", "same"}, threads) of one
    `espalier-cli score --json` run on Fashion-MNIST: the total; the scorer's part; selecting and
    applying the masks; the checks Python does not make (collapse and path dry runs, saliency
    histograms); and "same", the scores and masks that the Python side also does."""
    out, err = run_cli(cli, "score", "--model", model, "--method", method, "--sparsity", str(sparsity),
                       "--rounds", str(rounds), "--data", "fashion-mnist", "--samples", str(SNIP_SAMPLES), "--json")
    result = json.loads(out)
    if "score_seconds" not in result:
        raise PerfError(f"{cli} score --json printed no score_seconds (rebuild espalier-cli)")
    parts = result.get("score_seconds_parts", {})
    found = re.search(r"(\d+) threads?\b", err)
    times = {"seconds": float(result["score_seconds"]), "scores": float(parts.get("scores", "nan")),
             "masks": float(parts.get("masks", "nan")), "checks": float(parts.get("checks", "nan"))}
    times["same"] = times["scores"] + times["masks"]
    return times, int(found.group(1)) if found else None


def keep_top(scores, masks, density):
    """Masks keeping the floor(density·N) highest scores among the weights still kept (global top-k)."""
    flat = torch.cat([s.flatten() for s in scores])
    candidate = torch.cat([m.flatten() for m in masks])
    flat = flat.masked_fill(~candidate, -math.inf)
    k = min(int(math.floor(density * flat.numel() + 1e-6)), int(candidate.sum()))
    keep = torch.zeros(flat.numel(), dtype=torch.bool)
    keep[torch.topk(flat, k, sorted=False).indices] = True
    out, offset = [], 0
    for m in masks:
        out.append(keep[offset:offset + m.numel()].view_as(m))
        offset += m.numel()
    return out


def snip_scores(net, masks, x, y):
    weights = prunable_weights(net)
    net.eval()
    grads = torch.autograd.grad(F.cross_entropy(net(x), y), weights)
    net.train()
    return [(g * w).abs().detach() for g, w in zip(grads, weights)]


def grasp_scores(net, masks, x, y):
    batches = reference_scorers.grasp_batches(x, y, GRASP_SAMPLES_PER_CLASS)
    scorer = copy.deepcopy(net)
    weights = prunable_weights(scorer)
    with torch.no_grad():
        for w, m in zip(weights, masks):
            w.mul_(m)
    scorer.train()
    hg = reference_scorers.grasp_hessian_gradient(scorer, weights, batches, GRASP_TEMPERATURE)
    return [(w.detach() * h).detach() for w, h in zip(weights, hg)]


def synflow_scores(net, masks, x, y):
    return reference_scorers.synflow_scores(copy.deepcopy(net), prunable_weights, INPUT_SHAPE, masks)


SCORERS = {"snip": snip_scores, "grasp": grasp_scores, "synflow": synflow_scores}


def prune(net, method, sparsity, rounds, x, y):
    """Scores and masks `net` in place as `espalier-cli score` does; returns the masks and the
    seconds spent scoring and selecting + applying the masks, as score_seconds_parts splits them."""
    weights = prunable_weights(net)
    masks = [torch.ones_like(w, dtype=torch.bool) for w in weights]
    times = {"scores": 0.0, "masks": 0.0}
    for k in range(1, rounds + 1):
        density = (1.0 - sparsity) ** (k / rounds)  # the exponential schedule; d itself for one round
        start = time.perf_counter()
        scores = SCORERS[method](net, masks, x, y)
        scored = time.perf_counter()
        masks = keep_top(scores, masks, density)
        with torch.no_grad():
            for w, m in zip(weights, masks):
                w.mul_(m)
        times["scores"] += scored - start
        times["masks"] += time.perf_counter() - scored
    return masks, times


def python_seconds_here(model, method, sparsity, rounds, threads):
    """{"seconds", "scores", "masks"} of the Python scoring and masking in this process; loading is
    not timed."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x, y = load_fashion()
    if method == "snip":
        x, y = x[:SNIP_SAMPLES], y[:SNIP_SAMPLES]
    net = build_model(model)
    start = time.perf_counter()
    masks, times = prune(net, method, sparsity, rounds, x, y)
    times["seconds"] = time.perf_counter() - start
    times["checks"] = 0.0  # Python makes no collapse or path dry run and builds no histogram
    times["same"] = times["seconds"]
    kept = sum(int(m.sum()) for m in masks)
    total = sum(m.numel() for m in masks)
    expected = int(math.floor((1.0 - sparsity) * total + 1e-6))
    if kept != expected:
        raise PerfError(f"python {method} kept {kept} weights, expected {expected}")
    return times


def python_seconds(model, method, sparsity, rounds, threads):
    """python_seconds_here in a fresh interpreter, so that it starts as cold as espalier-cli does."""
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--python-once", "--model", model,
                           "--methods", method, "--sparsity", str(sparsity), "--rounds", str(rounds),
                           "--threads", str(threads)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise PerfError(f"the Python {method} scoring failed:\n{done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def rounds_for(method, synflow_rounds):
    return synflow_rounds if method == "synflow" else 1


def measure(cli, model, methods, sparsity, synflow_rounds, repeats, progress=None):
    """Alternates Espalier and Python `repeats` times per method; returns
    {method: {"espalier": [times...], "python": [times...], "rounds": n, "threads": t}}, each times
    {"seconds": total, "scores": scorer part, "masks": mask selection part}."""
    results = {}
    for method in methods:
        rounds = rounds_for(method, synflow_rounds)
        entry = {"espalier": [], "python": [], "rounds": rounds, "threads": None}
        for r in range(repeats):
            if progress:
                progress(f"scoring {model} {method}: repeat {r + 1}/{repeats}")
            times, threads = espalier_seconds(cli, model, method, sparsity, rounds)
            entry["threads"] = threads or os.cpu_count()
            entry["espalier"].append(times)
            entry["python"].append(python_seconds(model, method, sparsity, rounds, entry["threads"]))
        results[method] = entry
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cli", nargs="?")
    ap.add_argument("--model", choices=sorted(MODEL_NAMES), default="lenet300")
    ap.add_argument("--methods", default=",".join(METHODS))
    ap.add_argument("--sparsity", type=float, default=0.98)
    ap.add_argument("--rounds", type=int, default=100, help="SynFlow rounds (the other methods are one-shot)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help=argparse.SUPPRESS)
    ap.add_argument("--python-once", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in SCORERS]
    if unknown:
        ap.error(f"unknown method(s) {', '.join(unknown)} (known: {', '.join(METHODS)})")
    try:
        if args.python_once:
            # Internal: one timed Python run; --rounds is this method's own round count.
            print(json.dumps(python_seconds_here(args.model, methods[0], args.sparsity, args.rounds, args.threads)))
            return
        if not args.cli:
            ap.error("ESPALIER_CLI is required")
        results = measure(require_cli(args.cli), args.model, methods, args.sparsity, args.rounds, args.repeats)
    except PerfError as e:
        sys.exit(f"scoring_cost.py: {e}")
    print(f"{MODEL_NAMES[args.model]}, sparsity {args.sparsity}, torch {torch.__version__}, "
          f"median of {args.repeats}")
    for method, entry in results.items():
        print(f"  {method:8s} {entry['rounds']:3d} round(s), {entry['threads']} threads")
        for part, label in (("same", "scores + masks"), ("scores", "scores"), ("masks", "masks"),
                            ("checks", "checks"), ("seconds", "total")):
            ours = statistics.median(t[part] for t in entry["espalier"])
            theirs = statistics.median(t[part] for t in entry["python"])
            ratio = f"Python / Espalier {theirs / ours:5.2f}" if ours > 0 and theirs > 0 else "(Espalier only)"
            print(f"    {label:14s} Espalier {ours:8.4f} s, Python {theirs:8.4f} s, {ratio}")


if __name__ == "__main__":
    main()
