"""What a benchmark report says about the machine: small helpers shared by performance_report.py and
sparse_libraries.py. No torch here, so the library benchmark's script stays light."""
import os
import re
import subprocess


def read_text(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def first_match(pattern, text, default="unknown"):
    found = re.search(pattern, text, re.MULTILINE)
    return found.group(1).strip() if found else default


def command_output(*args):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def debian_package(path):
    """'package version' of the Debian package that installed `path`, or ''."""
    owner = command_output("dpkg", "-S", os.path.realpath(path)).split(":")[0].strip()
    if not owner:
        owner = command_output("dpkg", "-S", path).split(":")[0].strip()
    if not owner:
        return ""
    version = command_output("dpkg-query", "-W", "-f", "${Version}", owner).strip()
    return f"{owner} {version}".strip()


def git_revision(repo):
    head = command_output("git", "-C", repo, "rev-parse", "--short", "HEAD").strip()
    if not head:
        return "unknown"
    dirty = command_output("git", "-C", repo, "status", "--porcelain", "--untracked-files=no").strip()
    return head + (" (with uncommitted changes)" if dirty else "")


def cores(cpuinfo):
    """'2 logical CPUs (2 usable by this process), 1 socket × 2 cores' from /proc/cpuinfo."""
    physical = set()
    for block in cpuinfo.split("\n\n"):
        socket = first_match(r"^physical id\s*:\s*(\d+)", block, "")
        core = first_match(r"^core id\s*:\s*(\d+)", block, "")
        if core:
            physical.add((socket, core))
    sockets = len({s for s, _ in physical})
    layout = f", {sockets} socket(s) × {len(physical) // max(sockets, 1)} core(s)" if physical else ""
    return f"{os.cpu_count()} logical CPUs ({len(os.sched_getaffinity(0))} usable by this process){layout}"
