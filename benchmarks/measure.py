"""Shared by the benchmarks: run a command and record its wall time and peak memory; machine facts."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
POLNEAR_TRAIN = SHARED / "data" / "polnear" / "train" / "text"
PYTHON = sys.executable
KB = str(Path(PYTHON).with_name("kb"))


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the process and its children (load-independent)
    peak_rss_mb: float  # the process and its children (spaCy workers) together
    stdout: str
    stderr: str


def run_measured(cmd: list[str], env: dict | None = None, poll: float = 0.05) -> Run:
    """Run ``cmd``; sample the RSS of its whole process tree every ``poll`` seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            done.wait(poll)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return Run(seconds, cpu, peak / 2**20, out, err)


def machine() -> str:
    """One line: CPU, cores, memory, Python, load at the time of the call."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
            f"Python {platform.python_version()}, load average {load}, "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def corpus_subset(src: Path, n: int | None, dest: Path) -> Path:
    """A folder of links to the first ``n`` files of ``src`` (sorted); ``src`` itself for all."""
    files = sorted(p for p in src.iterdir() if p.is_file())
    if n is None or n >= len(files):
        return src
    dest.mkdir(parents=True, exist_ok=True)
    for f in files[:n]:
        link = dest / f.name
        if not link.exists():
            link.symlink_to(f)
    return dest
