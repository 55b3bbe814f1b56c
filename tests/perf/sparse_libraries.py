#!/usr/bin/env python3
"""Eigen, librsb and libxsmm against Espalier's CSR kernel and dense LibTorch (issue 8), side by side.

Issue 8 asked to measure the sparse libraries Debian packages before writing our own kernel. This
builds and runs `espalier-sparse-libraries-bench` (tests/perf/sparse_libraries/): LeNet-300-100's
fc1 [300, 784] and fc2 [100, 300] under random masks at 2 % and 10 % density, batches 1 and 256,
1 and 2 threads, every candidate checked against dense LibTorch. It prints Markdown: the machine
and package versions, then the program's tables.

The build directory gets -DESPALIER_BUILD_LIBRARY_BENCH=ON; a new one is configured as Release
with Ninja and without the test suite, an existing one (e.g. a dev build) keeps all its other
settings. Only that one target is built. The Debian packages the adapters need are checked first:
a missing one is named and the script exits with status 1 (it installs nothing), unless
--allow-missing, which builds without that library.

usage: sparse_libraries.py [--build-dir build/sparse-libraries] [--out FILE] [--json FILE]
                           [--allow-missing] [--no-build] [-- BENCH OPTIONS]
  e.g. sparse_libraries.py -- --threads 1 --batches 1,64,256 --repeats 100
       (see `espalier-sparse-libraries-bench --help`; a run with the defaults takes about a minute)
(run with Debian's /usr/bin/python3; it needs no Python packages)
"""
import argparse
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine_facts import command_output, cores, first_match, git_revision, read_text  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = "espalier-sparse-libraries-bench"
# Debian package → what needs it. The project's own build dependencies (LibTorch, Qt, CLI11, ...)
# are those of the main build and not checked here.
PACKAGES = {
    "libeigen3-dev": "Eigen",
    "librsb-dev": "librsb",
    "libxsmm-dev": "libxsmm",
    "libblas-dev": "libxsmm (its BLAS fallback)",
}
TOOLS = {"cmake": "cmake", "ninja": "ninja-build"}
REPORTED_PACKAGES = ("libtorch1.13", "libeigen3-dev", "librsb0", "libxsmm-dev", "libopenblas0-openmp",
                     "libgomp1")


class BenchError(Exception):
    """The benchmark could not be built or run."""


def installed_version(package):
    """The installed version of a Debian package, or '' when it is not installed."""
    out = command_output("dpkg-query", "-W", "-f", "${Status}\t${Version}", package)
    status, _, version = out.partition("\t")
    return version if status.endswith(" installed") else ""


def missing_packages():
    """[(package, why)] of the Debian packages and tools that are not installed."""
    missing = [(p, f"for {why}") for p, why in PACKAGES.items() if not installed_version(p)]
    missing += [(package, f"the {tool} command") for tool, package in TOOLS.items() if not shutil.which(tool)]
    return missing


def run(args, what):
    print("$", shlex.join(args), file=sys.stderr, flush=True)
    done = subprocess.run(args, stdout=sys.stderr)  # build logs go to stderr; stdout is the report
    if done.returncode != 0:
        raise BenchError(f"{what} failed with exit code {done.returncode}")


def configure_and_build(build_dir):
    options = ["-DESPALIER_BUILD_LIBRARY_BENCH=ON"]
    if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
        options = ["-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release", "-DESPALIER_BUILD_TESTS=OFF"] + options
    run(["cmake", "-S", ROOT, "-B", build_dir, *options], "cmake configure")
    run(["cmake", "--build", build_dir, "--target", TARGET], "cmake --build")


def machine_table(bench):
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    versions = ", ".join(f"{p} {installed_version(p) or 'not installed'}" for p in REPORTED_PACKAGES)
    cpuinfo = read_text("/proc/cpuinfo")
    rows = [("CPU", first_match(r"^model name\s*:\s*(.*)$", cpuinfo)),
            ("cores", cores(cpuinfo)),
            ("OS", f"{platform.platform()}"),
            ("packages", versions),
            ("benchmark", f"{bench}, tree {git_revision(ROOT)}"),
            ("load average at start", load)]
    return "\n".join(["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     usage="%(prog)s [options] [-- BENCH OPTIONS]")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build", "sparse-libraries"))
    parser.add_argument("--out", help="also write the Markdown report to this file")
    parser.add_argument("--json", help="also write the benchmark's raw results as JSON to this file")
    parser.add_argument("--allow-missing", action="store_true",
                        help="build without the libraries whose packages are missing instead of stopping")
    parser.add_argument("--no-build", action="store_true", help="run the benchmark as last built")
    parser.add_argument("bench_args", nargs=argparse.REMAINDER, help="passed to the benchmark (after --)")
    args = parser.parse_args()
    bench_args = args.bench_args[1:] if args.bench_args[:1] == ["--"] else args.bench_args

    missing = missing_packages()
    if missing:
        names = " ".join(p for p, _ in missing)
        listed = "; ".join(f"{p} ({why})" for p, why in missing)
        if not args.allow_missing or any(p in TOOLS.values() for p, _ in missing):
            sys.exit(f"sparse_libraries.py: missing Debian package(s): {listed}.\n"
                     f"Install them with `sudo apt-get install -y {names}` (this script installs nothing), "
                     f"or pass --allow-missing to measure without those libraries.")
        print(f"sparse_libraries.py: building without {listed}", file=sys.stderr)

    build_dir = os.path.abspath(args.build_dir)
    bench = os.path.join(build_dir, "tests", "perf", "sparse_libraries", TARGET)
    try:
        if not args.no_build:
            configure_and_build(build_dir)
        if not os.access(bench, os.X_OK):
            raise BenchError(f"{bench} not found; build it first (drop --no-build)")
        facts = machine_table(bench)
        with tempfile.TemporaryDirectory() as work:
            raw = os.path.join(work, "results.json")
            command = [bench, *bench_args, "--json", raw]
            print("$", shlex.join(command), file=sys.stderr, flush=True)
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
            if done.returncode not in (0, 1) or not done.stdout:
                raise BenchError(f"{TARGET} failed with exit code {done.returncode}")
            if args.json:
                shutil.copyfile(raw, args.json)
    except BenchError as e:
        sys.exit(f"sparse_libraries.py: {e}")

    end_load = " ".join(open("/proc/loadavg").read().split()[:3])
    report = (f"{done.stdout.rstrip()}\n\n## The machine\n\n{facts}\n| load average at end | {end_load} |\n\n"
              f"`{shlex.join([sys.executable, *sys.argv])}`\n")
    print(report, end="")
    if args.out:
        with open(args.out, "w") as f:
            f.write(report)
    # 1: a candidate differed from LibTorch dense by more than the tolerance (the report says which).
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
