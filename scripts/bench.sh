#!/usr/bin/env bash
# Run benchmarks the way they are meant to run: in the project's venv with the bench extra installed
# (network-config-analyzer, the peer of bench_matrix.py and bench_cli_scale.py), from benchmarks/.
# Usage: scripts/bench.sh [BENCH.py [ARGS...]]   (default: bench_cli_scale.py)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[bench]'
script="${1:-bench_cli_scale.py}"
[ "$#" -gt 0 ] && shift
cd benchmarks
echo "load before: $(cat /proc/loadavg)"
exec ../.venv/bin/python "$script" "$@"
