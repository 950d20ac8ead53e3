#!/usr/bin/env bash
# Screenshots of aksnet ui's main views (topology, trace, matrix, IP plan) of the demo's cluster, taken in
# Debian's headless chromium as the browser tests take them. Usage: scripts/screenshots.sh [DIR] (default docs/).
# Needs scripts/setup.sh first (graphviz, chromium, the venv with Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m tests.ui.screenshots "${1:-docs}"
