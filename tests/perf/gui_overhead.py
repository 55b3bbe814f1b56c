#!/usr/bin/env python3
"""Does the window slow training down, and does training freeze the window?

Runs the same recipe headless (`espalier-cli run --json`) and in the window (`espalier --autostart
--quit-when-done --stats` under xvfb-run), alternating, and prints the mean training throughput of
each (samples/s over all epochs), their ratio (target ≥ 0.9) and the longest UI-thread stall seen
by the window's StallMonitor during the run (target ≤ 50 ms).

usage: gui_overhead.py BUILD_DIR [--recipe R] [--repeats 2]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

DEFAULT_RECIPE = {
    "model": {"name": "lenet300"}, "data": {"name": "fashion-mnist"},
    "method": "magnitude", "target_sparsity": 0.98, "rounds": 3, "round_epochs": 1,
    "pretrain": {"epochs": 2, "batch": 128, "lr": 0.05},
    "train": {"epochs": 2, "batch": 128, "lr": 0.01}, "seed": 0, "threads": 2,
}


def headless(build, recipe, out):
    done = subprocess.run([os.path.join(build, "app", "espalier-cli"), "run", recipe, "--out", out, "--json"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True)
    epochs = json.loads(done.stdout)["epochs"]
    return statistics.mean(e["samples_per_second"] for e in epochs)


def windowed(build, recipe, settings):
    env = dict(os.environ, XDG_CONFIG_HOME=settings)  # never touch the user's window layout
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24",
                           os.path.join(build, "app", "espalier"), recipe, "--autostart", "--quit-when-done", "--stats"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True, env=env)
    stats = json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])
    return stats["mean_samples_per_second"], stats["longest_stall_ms"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--recipe")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        recipe = args.recipe
        if not recipe:
            recipe = os.path.join(work, "recipe.json")
            with open(recipe, "w") as f:
                json.dump(DEFAULT_RECIPE, f)
        cli, gui, stalls = [], [], []
        for i in range(args.repeats):
            cli.append(headless(args.build, recipe, os.path.join(work, f"out{i}")))
            speed, stall = windowed(args.build, recipe, os.path.join(work, "settings"))
            gui.append(speed)
            stalls.append(stall)
            print(f"run {i + 1}: headless {cli[-1]:.0f} samples/s, window {gui[-1]:.0f} samples/s, "
                  f"longest UI stall {stall:.1f} ms", flush=True)
        ratio = statistics.mean(gui) / statistics.mean(cli)
        print(f"window/headless throughput: {ratio:.3f} (target >= 0.9); longest UI stall: {max(stalls):.1f} ms "
              f"(target <= 50)")


if __name__ == "__main__":
    main()
