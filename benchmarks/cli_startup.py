"""Start-up of the read-only CLI: `kb stats` (and `kb actors`, `kb statements`) against the bare
`python -c "import sqlalchemy, typer"`. Target: kb stats at most 1.5x the bare imports.

Each command runs --reps times alternately (so machine load hits both alike); the median wall
time and the median CPU time (user + system, less sensitive to other processes) are printed.

    .venv/bin/python benchmarks/cli_startup.py --reps 15
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
KB = str(Path(PYTHON).with_name("kb"))


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KB_DATABASE_URL": f"sqlite:///{tmp}/kb.sqlite", "KB_CACHE_DIR": tmp}
        subprocess.run([KB, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        commands = {
            "python -c 'import sqlalchemy, typer'": [PYTHON, "-c", "import sqlalchemy, typer"],
            "kb stats": [KB, "stats"],
            "kb actors": [KB, "actors"],
            "kb statements --text war": [KB, "statements", "--text", "war"],
            "kb --help": [KB, "--help"],
        }
        for cmd in commands.values():  # warm the file cache and the .pyc files
            timed(cmd, env)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.reps):
            for name, cmd in commands.items():
                runs[name].append(timed(cmd, env))
    base_wall = statistics.median(w for w, _ in runs[next(iter(commands))])
    base_cpu = statistics.median(c for _, c in runs[next(iter(commands))])
    print(f"{'command':34} {'wall s':>7} {'x bare':>7} {'cpu s':>7} {'x bare':>7}   (median of {args.reps})")
    for name, rs in runs.items():
        wall = statistics.median(w for w, _ in rs)
        cpu = statistics.median(c for _, c in rs)
        print(f"{name:34} {wall:7.3f} {wall / base_wall:7.2f} {cpu:7.3f} {cpu / base_cpu:7.2f}")


if __name__ == "__main__":
    main()
