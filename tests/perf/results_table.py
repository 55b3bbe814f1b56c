#!/usr/bin/env python3
"""Writes docs/results.md and its Pareto plots from `espalier-cli sweep` folders.

Everything in the page comes from the sweep folders: sweep.json (the plan), each cell's
result.json (accuracies, seconds) and report.h5 (collapse warnings). Folders of the same sweep
(one sweep split over processes or seeds) are merged into one section; mean and sample spread
(ddof=1) are computed as summary.h5 computes them (check_sweep_cli.py checks that formula against
numpy). Nothing is typed in by hand, so rerunning it after more seeds keeps the page true.

usage: results_table.py SWEEP_DIR [SWEEP_DIR ...] [--out docs/results.md] [--plots docs/results]
(run with Debian's /usr/bin/python3, which has h5py and matplotlib)
"""
import argparse
import json
import math
import os
import platform
import subprocess

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ESPN = ("espn-finetune", "espn-rewind")


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def load(folders):
    """One sweep from one or more folders (a sweep split over processes, or seeds run apart): the
    union of their planned cells, each with its result.json and the collapse warnings of its report."""
    plan = {"name": None, "source": None, "methods": [], "sparsities": [], "cells": []}
    cells = {}
    for folder in folders:
        with open(os.path.join(folder, "sweep.json")) as f:
            part = json.load(f)
        plan["name"] = plan["name"] or part["name"]
        plan["source"] = plan["source"] or part["source"]
        plan["methods"] += [m for m in part["methods"] if m not in plan["methods"]]
        plan["sparsities"] = sorted(set(plan["sparsities"]) | set(part["sparsities"]))
        for cell in part["cells"]:
            path = os.path.join(folder, "cells", cell["name"])
            result_path = os.path.join(path, "result.json")
            if not os.path.exists(result_path):
                cells.setdefault(cell["name"], dict(cell, status="pending"))
                continue
            with open(result_path) as f:
                result = json.load(f)
            result["collapse"] = []
            report = os.path.join(path, "report.h5")
            if os.path.exists(report):
                with h5py.File(report, "r") as r:
                    result["collapse"] = [text(e) for e in r["events"][()]
                                          if "collapse" in text(e) and text(e).startswith("warning")]
            cells[cell["name"]] = result
    cells = list(cells.values())
    return plan, summarize(plan, cells), dense_baseline(cells), cells


def summarize(plan, cells):
    """Mean and sample spread (ddof=1) per method and sparsity, as summary.h5 has them."""
    points = []
    for method in plan["methods"]:
        for s in plan["sparsities"]:
            done = [c for c in cells if c["method"] == method and abs(c["sparsity"] - s) < 1e-9
                    and c.get("status") == "done"]
            if not done:
                continue
            point = {"method": method, "sparsity": s, "runs": len(done)}
            for key in ("final", "best"):
                values = np.array([c[f"{key}_test_accuracy"] for c in done])
                point[f"{key}_mean"] = float(values.mean())
                point[f"{key}_spread"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
            points.append(point)
    return points


def dense_baseline(cells):
    per_seed = {}
    for c in cells:
        if c.get("status") == "done" and c.get("dense_test_accuracy") is not None:
            per_seed.setdefault(c["seed"], c["dense_test_accuracy"])
    values = np.array(list(per_seed.values()))
    if len(values) == 0:
        return (float("nan"), 0.0, 0)
    return (float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0, len(values))


def percent(x):
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.2f}"


def mean_spread(p, key):
    mean, spread = p[f"{key}_mean"], p[f"{key}_spread"]
    return f"{percent(mean)} ± {percent(spread)}" if p["runs"] > 1 else percent(mean)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def table_header(sparsities):
    return ["| method | " + " | ".join(f"{100 * s:g} %" for s in sparsities) + " |",
            "|---|" + "---:|" * len(sparsities)]


def accuracy_table(plan, points, cells, key):
    sparsities = plan["sparsities"]
    lines = table_header(sparsities)
    for method in plan["methods"]:
        row = [method]
        for s in sparsities:
            p = next((p for p in points if p["method"] == method and abs(p["sparsity"] - s) < 1e-9), None)
            mark = ""
            if any(c.get("collapse") for c in cells if c["method"] == method and abs(c["sparsity"] - s) < 1e-9):
                mark = " †"
            failed = [c for c in cells if c["method"] == method and abs(c["sparsity"] - s) < 1e-9
                      and c.get("status") == "failed"]
            row.append(mean_spread(p, key) + mark if p else ("failed" if failed else "–"))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def time_table(plan, cells):
    sparsities = plan["sparsities"]
    lines = table_header(sparsities)
    for method in plan["methods"]:
        row = [method]
        for s in sparsities:
            times = [c["seconds"] for c in cells
                     if c["method"] == method and abs(c["sparsity"] - s) < 1e-9 and c.get("status") == "done"]
            row.append(" / ".join(f"{t:.0f}" for t in times) if times else "–")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def verdicts(plan, points):
    out = []
    by = {(p["method"], round(p["sparsity"], 6)): p for p in points}
    for s in plan["sparsities"]:
        here = [p for p in points if abs(p["sparsity"] - s) < 1e-9]
        if not here:
            continue
        best = max(here, key=lambda p: p["final_mean"])
        espn = [by[(m, round(s, 6))] for m in ESPN if (m, round(s, 6)) in by]
        if not espn:
            continue
        top = max(espn, key=lambda p: p["final_mean"])
        beaten = sorted((p for p in here if p["method"] not in ESPN and p["final_mean"] > top["final_mean"]),
                        key=lambda p: -p["final_mean"])
        if beaten:
            names = ", ".join(f"{p['method']} ({percent(p['final_mean'])} %)" for p in beaten)
            out.append(f"- **{100 * s:g} %: ESPN does not win.** Its best variant, {top['method']}, reaches "
                       f"{percent(top['final_mean'])} %; ahead of it: {names}.")
        else:
            out.append(f"- {100 * s:g} %: {best['method']} is best with {percent(best['final_mean'])} % "
                       f"(final epoch).")
        margins = [f"{m} by {100 * (top['final_mean'] - by[(m, round(s, 6))]['final_mean']):+.2f} points"
                   for m in ("snip", "synflow", "random") if (m, round(s, 6)) in by]
        if margins:
            out[-1] += f" {top['method']} against " + ", ".join(margins) + "."
    return "\n".join(out)


def pareto_plot(plan, points, dense, path):
    """Accuracy against compression (log axis): the whole range, and the top few points enlarged."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), dpi=110)
    for ax, zoom in zip(axes, (False, True)):
        for method in plan["methods"]:
            ps = sorted((p for p in points if p["method"] == method), key=lambda p: p["sparsity"])
            if not ps:
                continue
            ax.errorbar([1 / (1 - p["sparsity"]) for p in ps], [100 * p["final_mean"] for p in ps],
                        yerr=[100 * p["final_spread"] for p in ps], marker="o", capsize=3, label=method)
        if dense[2] > 0:
            ax.axhline(100 * dense[0], color="0.3", linestyle="--", label=f"dense ({percent(dense[0])} %)")
        ax.set_xscale("log")
        ticks = [1 / (1 - s) for s in plan["sparsities"]]
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{100 * s:g} %\n{t:.0f}×" for s, t in zip(plan["sparsities"], ticks)])
        ax.minorticks_off()
        ax.set_xlabel("sparsity and compression (log scale)")
        ax.grid(True, alpha=0.3)
        if zoom:
            top = max((100 * p["final_mean"] for p in points), default=100)
            ax.set_ylim(top - 6, top + 1)
            ax.set_title("zoomed: the top 6 percentage points")
        else:
            ax.set_ylabel("final-epoch test accuracy (%)")
            ax.set_title(plan["name"])
            ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def section(folders, plots, out_dir):
    plan, points, dense, cells = load(folders)
    slug = os.path.basename(os.path.normpath(folders[0]))
    plot = os.path.join(plots, f"{slug}-pareto.png")
    pareto_plot(plan, points, dense, plot)
    seeds = sorted({c["seed"] for c in cells if c.get("status") == "done"})
    done = sum(c.get("status") == "done" for c in cells)
    total_seconds = sum(c.get("seconds", 0) for c in cells if c.get("status") == "done")
    rel = os.path.relpath(plot, out_dir)
    parts = [
        f"## {plan['name']}",
        "",
        f"Sweep file `{os.path.relpath(plan['source'])}`; {done} of {len(cells)} cells finished, "
        f"seeds {', '.join(map(str, seeds)) or '–'}. Dense baseline (the shared pretrained model): "
        + (f"{percent(dense[0])} %" + (f" ± {percent(dense[1])}" if dense[2] > 1 else "") if dense[2] else "–")
        + ".",
        "",
        "### Final-epoch test accuracy (%)",
        "",
        accuracy_table(plan, points, cells, "final"),
        "",
        "### Best-epoch test accuracy (%) — model selection on the test set, as the ESPN authors report",
        "",
        accuracy_table(plan, points, cells, "best"),
        "",
        "Mean ± sample standard deviation over the seeds when there is more than one. "
        "† = the collapse guard (`collapse_policy: clamp`) had to keep a layer alive in at least one run.",
        "",
        "### Where ESPN wins and where it does not (final epoch)",
        "",
        verdicts(plan, points),
        "",
        f"![Pareto chart]({rel})",
        "",
        "### Wall-clock seconds per run (one per seed)",
        "",
        "Each includes the pretraining it shares with other cells, as if it had run alone.",
        "",
        time_table(plan, cells),
        "",
        f"Sum over finished runs: {total_seconds / 60:.0f} min.",
        "",
    ]
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--out", default="docs/results.md")
    ap.add_argument("--plots", default="docs/results")
    ap.add_argument("--note", action="append", default=[],
                    help="a paragraph for the page's top, e.g. how busy the machine was (repeatable)")
    args = ap.parse_args()
    os.makedirs(args.plots, exist_ok=True)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    try:
        version = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout
    except OSError:
        version = ""
    body = [
        "# Results: accuracy against sparsity",
        "",
        "Generated by `tests/perf/results_table.py` from `espalier-cli sweep` folders; do not edit by hand.",
        f"Machine: {machine()}. Commit: {version.strip() or 'unknown'}.",
        "",
    ]
    for note in args.note:
        body += [note, ""]
    # Folders of one sweep (the same name) make one section, in the order first given.
    groups = {}
    for folder in args.folders:
        with open(os.path.join(folder, "sweep.json")) as f:
            groups.setdefault(json.load(f)["name"], []).append(folder)
    body += [section(folders, args.plots, out_dir) for folders in groups.values()]
    with open(args.out, "w") as f:
        f.write("\n".join(body))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
