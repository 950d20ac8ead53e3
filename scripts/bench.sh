#!/usr/bin/env bash
# Run benchmarks the way they are meant to run: in the project's venv with the bench extra installed
# (network-config-analyzer, the peer of bench_matrix.py and bench_cli_scale.py), from benchmarks/, with the
# package's bytecode compiled as an installed package has it (pip compiles a wheel's modules on install; an
# editable install compiles on first import unless PYTHONDONTWRITEBYTECODE is set: then every command would
# compile the sources again, which is not what a user's machine does).
# Usage: scripts/bench.sh [BENCH.py [ARGS...]]   (default: bench_cli_scale.py)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[bench]'
.venv/bin/python -m compileall -q src/aksnet >/dev/null
script="${1:-bench_cli_scale.py}"
[ "$#" -gt 0 ] && shift
cd benchmarks
echo "load before: $(cat /proc/loadavg)"
exec ../.venv/bin/python "$script" "$@"
