#!/usr/bin/env python3
"""Checks Espalier's report.h5 and masks.h5 against the file contract with real h5py.

usage: check_report_h5py.py REPORT.h5 MASKS.h5

Prints every check it makes; exits 1 on any mismatch, 2 on bad usage or a missing h5py.
The contract is DESIGN.md "Files" (root attributes, /layers/<name> with mask and histogram,
/rounds, /epochs, /curve, /events) and the masks layout (/masks/<name>, /scores/<name>).
"""
import json
import re
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # pragma: no cover - depends on the machine
    print(f"cannot import h5py/numpy: {error}", file=sys.stderr)
    sys.exit(2)

failures = []
checks = 0

ROUND_COLUMNS = ["round", "target_sparsity", "sparsity", "train_loss", "test_accuracy",
                 "best_test_accuracy", "validation_accuracy", "test_loss", "seconds",
                 "collapsed_layers", "effective_sparsity", "disconnected"]
EPOCH_COLUMNS = ["phase", "round", "epoch", "lr", "train_loss", "train_accuracy", "test_loss",
                 "test_accuracy", "validation_accuracy", "sparsity", "seconds",
                 "samples_per_second"]


def check(condition, what):
    global checks
    checks += 1
    if condition:
        print(f"ok    {what}")
    else:
        print(f"FAIL  {what}")
        failures.append(what)
    return condition


def is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_float(value):
    return isinstance(value, (float, np.floating))


def text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def check_attr(obj, name, kind):
    where = f"{obj.name} attribute {name!r}"
    if not check(name in obj.attrs, f"{where} present"):
        return None
    value = obj.attrs[name]
    ok = {"str": lambda v: isinstance(v, str), "int": is_int, "float": is_float,
          "ints": lambda v: isinstance(v, np.ndarray) and v.ndim == 1 and np.issubdtype(v.dtype, np.integer)}[kind]
    check(ok(value), f"{where} is {kind} (got {type(value).__name__} {value!r})")
    return value


def columns(obj, names, where):
    """Column arrays of a table stored as a compound dataset or as a group of 1-D datasets."""
    if isinstance(obj, h5py.Dataset):
        check(obj.dtype.names is not None and obj.ndim == 1, f"{where} is a 1-D compound dataset")
        fields = obj.dtype.names or ()
        data = obj[()]
        result = {}
        for name in names:
            if check(name in fields, f"{where} has column {name!r}"):
                result[name] = data[name]
        return result
    result = {name: obj[name][()] for name in names if check(name in obj, f"{where} has column {name!r}")}
    lengths = {len(v) for v in result.values()}
    check(len(lengths) <= 1, f"{where} columns have equal length ({sorted(lengths)})")
    return result


def check_report(path):
    with h5py.File(path, "r") as f:
        check(check_attr(f, "format", "str") == "espalier-report", "format == 'espalier-report'")
        check(check_attr(f, "format_version", "int") == 1, "format_version == 1")
        check_attr(f, "espalier_version", "str")
        created = check_attr(f, "created_utc", "str")
        check(created is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(created)) is not None,
              f"created_utc is ISO 8601 UTC ({created})")
        recipe = check_attr(f, "recipe", "str")
        try:
            json.loads(recipe)
            check(True, "recipe parses as JSON")
        except (TypeError, ValueError) as error:
            check(False, f"recipe parses as JSON ({error})")
        for name in ("model", "dataset", "method"):
            check_attr(f, name, "str")
        check_attr(f, "seed", "int")
        final_sparsity = check_attr(f, "final_sparsity", "float")
        check_attr(f, "final_test_accuracy", "float")
        final_effective = check_attr(f, "final_effective_sparsity", "float")
        if final_effective is not None and final_sparsity is not None:
            check(final_sparsity - 1e-12 <= final_effective <= 1.0,
                  f"final_effective_sparsity {final_effective} lies in [final_sparsity, 1]")

        total = kept_total = 0
        if check("layers" in f and isinstance(f["layers"], h5py.Group), "/layers is a group"):
            check(len(f["layers"]) > 0, f"/layers has {len(f['layers'])} layers")
            for name, layer in f["layers"].items():
                where = f"/layers/{name}"
                shape = check_attr(layer, "shape", "ints")
                numel = check_attr(layer, "numel", "int")
                kept = check_attr(layer, "kept", "int")
                density = check_attr(layer, "density", "float")
                if not check("mask" in layer, f"{where}/mask present"):
                    continue
                mask = layer["mask"][()]
                check(mask.dtype == np.uint8, f"{where}/mask is uint8 ({mask.dtype})")
                check(shape is not None and mask.shape == tuple(int(d) for d in shape),
                      f"{where}/mask shape {mask.shape} == attribute shape {None if shape is None else list(shape)}")
                check(numel == mask.size, f"{where} numel {numel} == mask size {mask.size}")
                check(bool(np.isin(mask, [0, 1]).all()), f"{where}/mask holds only 0 and 1")
                check(kept == int(mask.sum()), f"{where} kept {kept} == mask.sum() {int(mask.sum())}")
                effective_kept = check_attr(layer, "effective_kept", "int")
                check(effective_kept is not None and 0 <= effective_kept <= kept,
                      f"{where} effective_kept {effective_kept} in [0, kept]")
                check(abs(density - (kept / numel if numel else 0.0)) < 1e-12, f"{where} density {density} == kept/numel")
                total += mask.size
                kept_total += int(mask.sum())
                counts = layer["saliency_hist_counts"] if "saliency_hist_counts" in layer else None
                edges = layer["saliency_hist_edges"] if "saliency_hist_edges" in layer else None
                if check(counts is not None and edges is not None, f"{where} histogram datasets present"):
                    check(counts.ndim == 2 and counts.shape[0] == 2 and np.issubdtype(counts.dtype, np.integer),
                          f"{where}/saliency_hist_counts is integer 2 x bins {counts.shape}")
                    bins = counts.shape[1] if counts.ndim == 2 else -1
                    check(edges.dtype == np.float64 and edges.ndim == 1
                          and (edges.shape[0] == bins + 1 or (bins == 0 and edges.shape[0] == 0)),
                          f"{where}/saliency_hist_edges is float64 with bins + 1 edges {edges.shape}")
        if total:
            check(abs(final_sparsity - (1 - kept_total / total)) < 1e-9,
                  f"final_sparsity {final_sparsity} == 1 - kept/total from the masks ({1 - kept_total / total})")

        if check("rounds" in f, "/rounds present"):
            rounds = columns(f["rounds"], ROUND_COLUMNS, "/rounds")
            check(len({len(v) for v in rounds.values()}) <= 1, "/rounds columns have equal length")
        if check("epochs" in f, "/epochs present"):
            epochs = columns(f["epochs"], EPOCH_COLUMNS, "/epochs")
            if "phase" in epochs:
                phases = [text(p) for p in epochs["phase"]]
                check(all(isinstance(p, str) and p for p in phases), f"/epochs phase readable as text {phases[:3]}")
        if check("curve" in f, "/curve present"):
            s, a = f["curve"]["sparsity"], f["curve"]["accuracy"]
            check(s.ndim == 1 and a.ndim == 1 and s.shape == a.shape, f"/curve sparsity and accuracy are equal-length 1-D ({s.shape}, {a.shape})")
            check(s.dtype.kind == "f" and a.dtype.kind == "f", "/curve arrays are float")
        if check("events" in f, "/events present"):
            events = [text(e) for e in f["events"][()]]
            check(f["events"].ndim == 1 and all(isinstance(e, str) for e in events), f"/events is 1-D text ({len(events)} events)")


def check_masks(path):
    with h5py.File(path, "r") as f:
        check(check_attr(f, "format", "str") == "espalier-masks", "format == 'espalier-masks'")
        check(check_attr(f, "format_version", "int") == 1, "format_version == 1")
        check_attr(f, "espalier_version", "str")
        if not check("masks" in f and isinstance(f["masks"], h5py.Group), "/masks is a group"):
            return
        check(len(f["masks"]) > 0, f"/masks has {len(f['masks'])} tensors")
        for name, dataset in f["masks"].items():
            check(isinstance(dataset, h5py.Dataset) and dataset.dtype == np.uint8, f"/masks/{name} is a uint8 dataset")
            check(bool(np.isin(dataset[()], [0, 1]).all()), f"/masks/{name} holds only 0 and 1")
            if "scores" in f and name in f["scores"]:
                scores = f["scores"][name]
                check(scores.dtype == np.float32 and scores.shape == dataset.shape,
                      f"/scores/{name} is float32 of the mask's shape {scores.shape}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    for path, checker in ((sys.argv[1], check_report), (sys.argv[2], check_masks)):
        print(f"== {path}")
        try:
            checker(path)
        except Exception as error:  # a file h5py cannot read is a contract failure too
            check(False, f"{path} readable: {type(error).__name__}: {error}")
    print(f"{checks} checks, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
