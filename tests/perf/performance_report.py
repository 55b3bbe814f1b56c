#!/usr/bin/env python3
"""Issue 8's performance numbers in one run, written as a Markdown report.

Measures, side by side on this machine, and writes to --out:
1. sparse execution: `espalier-cli bench` (dense LibTorch against Espalier's CSR kernels) for
   LeNet-300-100 at 1 and 2 threads and LeNet5-Caffe (layerwise) at 2 threads, with the issue's
   targets (98 % LeNet-300-100: ≥ 5× at batch 1, ≥ 2× at batch 256);
2. the training loop: Espalier against the same loop in Python PyTorch, dense and 98 % masked
   (training_throughput.py);
3. scoring cost: `espalier-cli score` against the same scoring in Python PyTorch (scoring_cost.py);
4. ESPN mask-discovery epochs (espn_mask_epochs.py).
Every comparison alternates its two sides so that both see the same machine load; the tables show
medians, and each ratio is the median of the ratios of the runs taken next to each other.

usage: performance_report.py ESPALIER_CLI --out docs/performance-measured.md [--quick]
                             [--threads 2] [--sections bench,training,scoring,espn]
(run with Debian's /usr/bin/python3, which has python3-torch and h5py; the full run takes about
 15–25 minutes on 2 cores, --quick a few minutes)
"""
import argparse
import datetime
import json
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import time

import torch

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import espn_mask_epochs  # noqa: E402
import scoring_cost  # noqa: E402
import training_throughput  # noqa: E402
from machine_facts import command_output, cores, debian_package, first_match, git_revision, read_text  # noqa: E402
from training_throughput import MODEL_NAMES, PerfError, load_fashion, require_cli, run_cli  # noqa: E402

SECTIONS = ("bench", "training", "scoring", "espn")
SPARSITIES = (0.9, 0.95, 0.98, 0.99, 0.996)
TARGET_SPARSITY = 0.98
SPEEDUP_TARGETS = {1: 5.0, 256: 2.0}  # LeNet-300-100 at 98 %, batch → dense / sparse latency
MASKED_DENSE_TARGET = 0.95
CPP_PYTHON_TARGET = 1.1
SCORING_TARGET = 1.0

# What the full run and --quick measure. The LeNet5 training epochs use the first N samples only:
# a full 60,000-sample LeNet5 epoch takes 15–40 s per side on 2 cores.
FULL = {"bench_sparsities": SPARSITIES, "bench_repeats": 50, "bench_lenet5_repeats": None,
        "train_epochs": 3, "train_repeats": 3, "train_limit": {"lenet300": None, "lenet5": 20000},
        "train_batches": (128, 256), "score_models": ("lenet300", "lenet5"), "score_repeats": 3,
        "synflow_rounds": 100, "espn_epochs": 3, "espn_repeats": 2, "espn_limit": None}
QUICK = {"bench_sparsities": (0.9, 0.98), "bench_repeats": 10, "bench_lenet5_repeats": 5,
         "train_epochs": 1, "train_repeats": 1, "train_limit": {"lenet300": 10000, "lenet5": 2000},
         "train_batches": (128, 256), "score_models": ("lenet300",), "score_repeats": 1,
         "synflow_rounds": 100, "espn_epochs": 1, "espn_repeats": 1, "espn_limit": 20000}


def progress(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the machine ---------------------------------------------------------------------------------

def linked_libraries(cli):
    """{soname: resolved path} of what espalier-cli loads (ldd)."""
    libraries = {}
    for line in command_output("ldd", cli).splitlines():
        found = re.match(r"\s*(\S+) => (\S+)", line)
        if found:
            libraries[found.group(1)] = os.path.realpath(found.group(2))
    return libraries


def machine(cli):
    cpuinfo = read_text("/proc/cpuinfo")
    meminfo = read_text("/proc/meminfo")
    mem_kib = int(first_match(r"^MemTotal:\s+(\d+)", meminfo, "0"))
    libraries = linked_libraries(cli)
    torch_lib = next((p for n, p in libraries.items() if n.startswith("libtorch_cpu")), "")
    blas = libraries.get("libblas.so.3", "")
    config = torch.__config__.show()
    parallel = torch.__config__.parallel_info()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return [
        ("CPU", first_match(r"^model name\s*:\s*(.+)$", cpuinfo)),
        ("cores", cores(cpuinfo)),
        ("RAM", f"{mem_kib / 2**20:.1f} GiB"),
        ("OS", first_match(r'^PRETTY_NAME="?([^"\n]+)"?', read_text("/etc/os-release"))
         + f", kernel {platform.release()}"),
        ("Python PyTorch", f"torch {torch.__version__} ({debian_package(torch.__file__) or torch.__file__}), "
                           f"BLAS_INFO={first_match(r'BLAS_INFO=([^,]+)', config)}, "
                           f"parallel backend {first_match(r'ATen parallel backend: (.+)$', parallel)}"),
        ("LibTorch (espalier-cli)", (debian_package(torch_lib) or torch_lib or "not found by ldd")),
        ("BLAS (libblas.so.3)", (f"{blas} ({debian_package(blas)})" if blas else "not linked")),
        ("espalier-cli", f"{cli}, tree {git_revision(repo)}"),
        ("load average at start", " ".join(read_text("/proc/loadavg").split()[:3])),
    ]


# --- formatting ----------------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else float("nan")


def paired_ratio(numerators, denominators):
    """Median of the ratios of runs taken next to each other."""
    return median([a / b for a, b in zip(numerators, denominators) if b])


def percent(value):
    return f"{100 * value:.1f} %"


def count(value):
    return f"{value:,}"


def verdict(value, target):
    """'met (+27 %)' / 'missed (−12 %)': how far the value lies from its target, relative."""
    margin = value / target - 1.0
    sign = "+" if margin >= 0 else "−"
    return f"{'**met**' if value >= target else '**missed**'} ({sign}{abs(100 * margin):.0f} %)"


def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- 1. sparse execution -------------------------------------------------------------------------

def bench(cli, model, sparsities, threads, repeats, layerwise=False):
    args = ["bench", "--model", model, "--sparsities", ",".join(f"{s:g}" for s in sparsities),
            "--threads", str(threads)]
    if layerwise:
        args.append("--layerwise")
    if repeats:
        args += ["--repeats", str(repeats)]
    args.append("--json")
    out, _ = run_cli(cli, *args)
    return "espalier-cli " + " ".join(args), json.loads(out)


def latency(row, batch):
    return next((lat for lat in row["latency"] if lat["batch"] == batch), None)


def bench_table(result):
    rows = []
    for row in result["rows"]:
        cells = [percent(row["sparsity"]), f"{count(row['nonzeros'])} / {count(row['parameters'])}",
                 f"{count(row['dense_bytes'])} → {count(row['compressed_bytes'])}",
                 f"{count(row['macs'])} → {count(row['nonzero_macs'])}", f"{row['max_logit_difference']:.1e}"]
        for batch in (1, 256):
            lat = latency(row, batch)
            cells.append(f"{lat['dense_ms']:.3f} → {lat['sparse_ms']:.3f} ms ({lat['speedup']:.2f}×)"
                         if lat else "—")
        rows.append(cells)
    return table(["sparsity", "non-zeros / parameters", "bytes dense → compressed", "MACs dense → non-zero",
                  "max \\|Δ logit\\|", "batch 1 dense → sparse", "batch 256 dense → sparse"], rows)


def bench_section(cli, plan, threads_list, raw):
    out = ["## 1. Sparse execution: `espalier-cli bench`", "",
           "Dense LibTorch against Espalier's sparse execution, both timed in the same `bench` process "
           "(median of the timed forward passes). The magnitude rows prune an untrained model; only the "
           "sparsity pattern matters for speed.", ""]
    targets = []
    for threads in threads_list:
        progress(f"bench lenet300, {threads} thread(s)")
        command, result = bench(cli, "lenet300", plan["bench_sparsities"], threads, plan["bench_repeats"])
        raw[f"bench lenet300 {threads} threads"] = result
        out += [f"### LeNet-300-100, global magnitude, {threads} thread{'s' if threads > 1 else ''}", "",
                f"`{command}`", "", bench_table(result), ""]
        row = next((r for r in result["rows"] if abs(r["sparsity"] - TARGET_SPARSITY) < 1e-9), None)
        for batch, target in SPEEDUP_TARGETS.items():
            lat = latency(row, batch) if row else None
            targets.append([f"{threads}", f"{batch}", f"≥ {target:g}×",
                            f"{lat['speedup']:.2f}×" if lat else "not measured",
                            verdict(lat["speedup"], target) if lat else "—"])
    progress("bench lenet5 --layerwise")
    command, result = bench(cli, "lenet5", plan["bench_sparsities"], max(threads_list), plan["bench_lenet5_repeats"],
                            layerwise=True)
    raw["bench lenet5 layerwise"] = result
    out += [f"### LeNet5-Caffe, layerwise magnitude, {max(threads_list)} threads", "", f"`{command}`", "",
            bench_table(result), ""]
    out += ["### Targets: LeNet-300-100 at 98 %, dense / sparse latency", "",
            table(["threads", "batch", "target", "measured", "verdict (margin)"], targets), ""]
    return out


# --- 2. training loop ----------------------------------------------------------------------------

def training_section(cli, plan, threads, raw):
    out = ["## 2. Training loop: Espalier (C++) against Python PyTorch", "",
           f"`espalier-cli run` (dense pretraining epochs, then global magnitude pruning to 98 % and masked "
           f"epochs) against the same loop in eager Python PyTorch (`tests/perf/training_throughput.py`): "
           f"SGD lr 0.01, momentum 0.9, weight decay 5e-4, cross-entropy, shuffled batches by index_select "
           f"from in-memory tensors, {threads} threads, {plan['train_epochs']} epoch(s) per phase "
           f"(samples/s is the median over the epochs after the first, or the only epoch), "
           f"{plan['train_repeats']} alternating repeat(s).", ""]
    rows, verdicts = [], []
    for model in ("lenet300", "lenet5"):
        limit = plan["train_limit"][model]
        x, y = load_fashion(limit)
        for batch in plan["train_batches"]:
            runs = training_throughput.measure(cli, x, y, model, plan["train_epochs"], batch, threads,
                                               plan["train_repeats"], limit, progress)
            raw[f"training {model} batch {batch}"] = runs
            med = {k: median(v) for k, v in runs.items()}
            cpp_masked_dense = paired_ratio(runs["espalier masked"], runs["espalier dense"])
            py_masked_dense = paired_ratio(runs["python masked"], runs["python dense"])
            dense_ratio = paired_ratio(runs["espalier dense"], runs["python dense"])
            masked_ratio = paired_ratio(runs["espalier masked"], runs["python masked"])
            label = f"{MODEL_NAMES[model]}{'' if not limit else f' (first {count(limit)} samples)'}"
            rows.append([label, batch, f"{med['espalier dense']:,.0f}", f"{med['espalier masked']:,.0f}",
                         f"{med['python dense']:,.0f}", f"{med['python masked']:,.0f}",
                         f"{cpp_masked_dense:.3f}", f"{py_masked_dense:.3f}", f"{dense_ratio:.2f}",
                         f"{masked_ratio:.2f}"])
            verdicts.append([MODEL_NAMES[model], batch, verdict(cpp_masked_dense, MASKED_DENSE_TARGET),
                             verdict(dense_ratio, CPP_PYTHON_TARGET), verdict(masked_ratio, CPP_PYTHON_TARGET)])
    out += [table(["model", "batch", "C++ dense samples/s", "C++ masked", "Python dense", "Python masked",
                   "masked / dense, C++", "masked / dense, Python", "C++ / Python, dense",
                   "C++ / Python, masked"], rows), ""]
    out += [f"Targets: masked / dense ≥ {MASKED_DENSE_TARGET} (C++), C++ / Python ≥ {CPP_PYTHON_TARGET}.", "",
            table(["model", "batch", f"masked / dense ≥ {MASKED_DENSE_TARGET}",
                   f"C++ / Python dense ≥ {CPP_PYTHON_TARGET}", f"C++ / Python masked ≥ {CPP_PYTHON_TARGET}"],
                  verdicts), ""]
    return out


# --- 3. scoring ----------------------------------------------------------------------------------

def scoring_section(cli, plan, raw):
    out = ["## 3. Scoring cost: `espalier-cli score` against Python PyTorch", "",
           "Scoring and masking to 98 % on Fashion-MNIST (`tests/perf/scoring_cost.py`). Espalier's times are "
           "`score_seconds_parts` from `espalier-cli score --json`, summed over the rounds, without loading or "
           "evaluation: the scorer, selecting and applying the global top-k (\"masks\"), and the checks that "
           "Python does not make (\"checks\": the layer-collapse and input-to-output path dry runs, which "
           "also give the effective sparsity, and the saliency histograms). The Python side runs the same "
           "scoring and masking on an eager nn.Module in a fresh process (so both start cold), timing "
           "scoring, global top-k and masking only. The target compares the same operations (scores + "
           "masks); the total with our checks is shown next to it. SNIP: the first "
           f"{scoring_cost.SNIP_SAMPLES} training samples; GraSP: {scoring_cost.GRASP_SAMPLES_PER_CLASS} "
           f"samples per class in two batches, T = {scoring_cost.GRASP_TEMPERATURE:g}, Hessian-gradient "
           f"product by double backprop; SynFlow: {plan['synflow_rounds']} rounds on the exponential "
           f"schedule, float64 copy, all-ones input. Median of {plan['score_repeats']} alternating run(s).", ""]
    rows = []
    for model in plan["score_models"]:
        results = scoring_cost.measure(cli, model, scoring_cost.METHODS, TARGET_SPARSITY, plan["synflow_rounds"],
                                       plan["score_repeats"], progress)
        raw[f"scoring {model}"] = results
        for method, entry in results.items():
            def seconds(side, part):
                return [t[part] for t in entry[side]]

            ours = (f"{median(seconds('espalier', 'scores')):.4f} + {median(seconds('espalier', 'masks')):.4f} "
                    f"+ {median(seconds('espalier', 'checks')):.4f}")
            theirs = f"{median(seconds('python', 'scores')):.4f} + {median(seconds('python', 'masks')):.4f}"
            ratios = {part: paired_ratio(seconds("python", part), seconds("espalier", part))
                      for part in ("same", "seconds", "scores", "masks")}
            rows.append([MODEL_NAMES[model], method, entry["rounds"], entry["threads"], ours, theirs,
                         f"{ratios['scores']:.2f}", f"{ratios['masks']:.2f}", f"{ratios['same']:.2f}",
                         verdict(ratios["same"], SCORING_TARGET), f"{ratios['seconds']:.2f}"])
    out += [table(["model", "method", "rounds", "threads", "Espalier s (scores + masks + checks)",
                   "Python s (scores + masks)", "scores, Python / Espalier", "masks", "scores + masks",
                   f"≥ {SCORING_TARGET:g} (ours no slower)", "total with our checks"], rows), "",
            "\"scores\" is the scorer alone; \"masks\" is selecting the global top-k and zeroing the pruned "
            "weights; \"checks\" is Espalier's alone (`score_seconds_parts` in `score --json`).", ""]
    return out


# --- 4. ESPN -------------------------------------------------------------------------------------

def espn_section(cli, plan, threads, raw):
    progress("ESPN mask epochs")
    limit = plan["espn_limit"]
    x, y = load_fashion(limit)
    ours, theirs = espn_mask_epochs.measure(cli, x, y, plan["espn_epochs"], threads, plan["espn_repeats"], limit,
                                            progress)
    raw["espn mask epochs"] = {"espalier": ours, "python": theirs}
    a, b = median(ours), median(theirs)
    # Both sides run epochs in turn, so pair them up epoch by epoch for the ratio.
    ratio = paired_ratio(theirs, ours)
    full = 60000 / y.numel()  # 300 epochs of the whole training set, from the measured epochs
    data = "Fashion-MNIST" + (f" (first {count(limit)} samples)" if limit else "")
    return ["## 4. ESPN mask-discovery epochs", "",
            f"LeNet-300-100 on {data}, batch {espn_mask_epochs.BATCH}, SGD lr {espn_mask_epochs.MASK_LR} "
            f"momentum 0.9, loss CE + α Σ|c| (α = {espn_mask_epochs.ALPHA:g}), forward with W ⊙ c, "
            f"{threads} threads (`tests/perf/espn_mask_epochs.py`): {plan['espn_repeats']} alternating "
            f"repeat(s) of {plan['espn_epochs']} epoch(s) per side; seconds per mask epoch without the test "
            f"evaluation. ESPN at 98 % with τ = 0.01 runs all 300 mask epochs.", "",
            table(["", "s / mask epoch", "300 epochs of 60,000 samples"],
                  [["Espalier", f"{a:.3f}", f"{300 * a * full / 60:.1f} min"],
                   ["Python PyTorch", f"{b:.3f}", f"{300 * b * full / 60:.1f} min"]]), "",
            table(["", "measured", "≥ 1 (ours no slower)"],
                  [["Python / Espalier", f"{ratio:.2f}", verdict(ratio, 1.0)]]), ""]


# --- the report ----------------------------------------------------------------------------------

def write_atomic(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".performance-", suffix=".md.tmp", dir=directory)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cli", help="path to espalier-cli")
    ap.add_argument("--out", required=True, help="Markdown file to write (atomically)")
    ap.add_argument("--quick", action="store_true", help="1 epoch, 1 repeat, fewer sparsities: a smoke test")
    ap.add_argument("--threads", type=int, default=2, help="threads of the training, scoring and ESPN runs")
    ap.add_argument("--sections", default=",".join(SECTIONS), help="comma-separated subset of " + ",".join(SECTIONS))
    args = ap.parse_args()
    sections = [s for s in args.sections.split(",") if s]
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
    if args.threads < 1:
        ap.error("--threads must be at least 1")
    plan = QUICK if args.quick else FULL
    command = shlex.join([sys.executable, *sys.argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        cli = require_cli(args.cli)
        training_throughput.require_fashion()
        facts = machine(cli)
        raw = {}
        body = []
        if "bench" in sections:
            body += bench_section(cli, plan, sorted({1, args.threads}), raw)
        if "training" in sections:
            body += training_section(cli, plan, args.threads, raw)
        if "scoring" in sections:
            body += scoring_section(cli, plan, raw)
        if "espn" in sections:
            body += espn_section(cli, plan, args.threads, raw)
    except PerfError as e:
        sys.exit(f"performance_report.py: {e}")
    minutes = (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds() / 60
    facts += [("load average at end", " ".join(read_text("/proc/loadavg").split()[:3])),
              ("date", f"{started:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min"),
              ("command", f"`{command}`" + (" (**--quick: a smoke test, not for quoting**)" if args.quick else ""))]
    head = ["# Performance, measured", "",
            "Generated by `tests/perf/performance_report.py`; do not edit by hand. Every comparison ran its two "
            "sides alternately in this one run, so compare the ratios; absolute times depend on the machine "
            "and its load.", "", "## The machine", "",
            table(["", ""], [[k, v] for k, v in facts], ["---", "---"]), ""]
    tail = ["## Raw measurements", "", "<details><summary>JSON</summary>", "", "```json",
            json.dumps(raw, indent=1, default=str), "```", "", "</details>", ""]
    write_atomic(args.out, "\n".join(head + body + tail))
    progress(f"wrote {args.out}")


if __name__ == "__main__":
    main()
