#!/usr/bin/env bash
# `make bench`: every benchmark, figures on stdout; JSON and generated KBs in $KB_BENCH_DIR.
# Takes a while: ingest of PolNeAR train (840 articles) 7 times, KBs of 10k/100k/1M statements
# (generated once, then reused from $KB_BENCH_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
OUT="${KB_BENCH_DIR:-/tmp/kb-bench}"
mkdir -p "$OUT"

echo "== ingest throughput and memory (benchmarks/bench_ingest.py)"
"$PY" benchmarks/bench_ingest.py --json "$OUT/ingest.json"
echo
echo "== query latency against KB size (benchmarks/bench_queries.py)"
"$PY" benchmarks/bench_queries.py --cache "$OUT" --json "$OUT/queries.json"
