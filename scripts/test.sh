#!/usr/bin/env bash
# All the tests, as CI runs them: set-up, ruff, mypy --strict, layer contracts, pytest (unit, golden
# scenarios, data plane when root), then the seeds' acceptance walkthroughs (always shown; the ones in
# tests/acceptance-required must pass).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/.venv/bin:$PATH"
status=0
step() { echo; echo "=== $*"; }

step "ruff";        ruff check src tests benchmarks || status=1
step "mypy --strict"; mypy || status=1
step "layer contracts"; lint-imports || status=1
step "pytest"
pytest -q -p no:cacheprovider "$@"; rc=$?
# exit 5 = no tests collected: a failure for us too.
[ "$rc" = 0 ] || status=1

step "acceptance walkthroughs (../shared/acceptance)"
acc="${AKSNET_ACCEPTANCE_DIR:-../shared/acceptance}"
if [ -d "$acc" ]; then
  out=$(TMPDIR="${TMPDIR:-/tmp}" bash "$acc/run-all.sh" 2>&1); echo "$out"
  while read -r name; do
    case "$name" in ''|'#'*) continue ;; esac
    if ! grep -q "^PASS $name" <<<"$out"; then echo "required walkthrough failed: $name"; status=1; fi
  done < tests/acceptance-required
else
  echo "no acceptance folder at $acc"; status=1
fi
echo
[ "$status" = 0 ] && echo "all checks passed" || echo "some checks FAILED"
exit "$status"
