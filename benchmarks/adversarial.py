"""The slow adversarial checks of issue 16, as figures (the fast ones are tests).

1. memory: peak RSS (the process tree, sampled) of `kb ingest` on one long text file made of the
   PolNeAR train texts (repeated to --mb megabytes, in /tmp, never in the project) against
   `kb ingest` of the 840 PolNeAR train articles; the same with --workers 2 (per worker).
   Target: the long file at most 1.3x the articles.
2. restart: a PostgreSQL server (started here, as tests/backends.py does) is stopped for a few
   seconds while `kb ingest` runs; prints the exit status, the retries in its summary, and
   whether every document was stored exactly once.

    nice -n 10 .venv/bin/python benchmarks/adversarial.py --mb 50 --workers 1 2
    nice -n 10 .venv/bin/python benchmarks/adversarial.py --skip-memory          # restart only
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from measure import KB, POLNEAR_TRAIN, machine, run_measured


def long_file(mb: float, dest: Path) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in sorted(POLNEAR_TRAIN.glob("*.txt"))]
    target = int(mb * 2**20)
    with dest.open("w", encoding="utf-8") as out:
        written, i = 0, 0
        while written < target:
            # Each round differs (a round number in every paragraph), so no part is a duplicate.
            chunk = "\n\n".join(f"{t}\n\n(Round {i}.)" for t in texts) + "\n\n"
            out.write(chunk[: target - written])
            written += min(len(chunk), target - written)
            i += 1
    return dest


def memory(mb: float, workers: list[int], tmp: Path) -> None:
    big = long_file(mb, tmp / "long.txt")
    print(f"== memory: kb ingest, peak RSS of the process tree ({machine()})")
    for w in workers:
        runs = {}
        for name, path in (("840 PolNeAR train articles", POLNEAR_TRAIN), (f"one {mb:g} MB text file", big)):
            db = tmp / f"kb-{w}-{len(runs)}.sqlite"
            r = run_measured([KB, "ingest", "-q", "--workers", str(w), str(path)],
                             env={"KB_DATABASE_URL": f"sqlite:///{db}"})
            runs[name] = r
            summary = r.stderr.strip().splitlines()[-1]
            print(f"  --workers {w}  {name:30} peak {r.peak_rss_mb:7.0f} MB ({r.peak_rss_mb / w:5.0f} MB a "
                  f"worker)  {r.seconds:6.0f} s   {summary}")
        a, b = runs.values()
        print(f"  --workers {w}  long file / articles: {b.peak_rss_mb / a.peak_rss_mb:.2f}x (target <= 1.3x)")


def restart(tmp: Path, n_docs: int = 40, down_seconds: float = 3) -> None:
    import subprocess

    import sqlalchemy as sa
    from backends import PostgresServer
    from synthetic import write_corpus

    print("== restart: PostgreSQL stopped mid-ingest")
    server = PostgresServer(name="adversarial")
    server.start()
    try:
        url = server.create_database()
        paths = write_corpus(tmp / "docs", n_docs)
        engine = sa.create_engine(url)
        subprocess.run([KB, "db", "upgrade", "--url", url], check=True, capture_output=True)
        proc = subprocess.Popen([KB, "ingest", "-q", *map(str, paths)], env={**__import__("os").environ,
                                "KB_DATABASE_URL": url}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def stored() -> int:
            with engine.connect() as c:
                return c.execute(sa.text("SELECT count(*) FROM document")).scalar_one()

        while stored() < 3 and proc.poll() is None:
            time.sleep(0.05)
        engine.dispose()
        before = stored()
        engine.dispose()
        server._run("pg_ctl", "stop", "-D", str(server.data), "-m", "fast", "-w")
        time.sleep(down_seconds)
        opts = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.dir} -c fsync=off"
        server._run("pg_ctl", "start", "-w", "-D", str(server.data), "-l", str(server.log), "-o", opts)
        _, err = proc.communicate(timeout=900)
        with engine.connect() as c:
            docs = c.execute(sa.text("SELECT count(*), count(DISTINCT path) FROM document")).one()
        engine.dispose()
        print(f"  stopped after {before} of {n_docs} documents, down {down_seconds:g} s; exit status "
              f"{proc.returncode}; traceback: {'yes' if 'Traceback' in err else 'no'}")
        print(f"  summary: {err.strip().splitlines()[-1] if err.strip() else '(none)'}")
        print(f"  documents stored: {docs[0]} ({docs[1]} distinct; expected {n_docs})")
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50, help="Size of the long text file.")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-restart", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-adversarial-") as tmp:
        if not args.skip_restart:
            restart(Path(tmp))
        if not args.skip_memory:
            memory(args.mb, args.workers, Path(tmp))


if __name__ == "__main__":
    main()
