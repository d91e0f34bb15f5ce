#!/usr/bin/env bash
# Runs Bleibe's matching benchmark in release mode and compares the assignment with
# scipy's solvers on the same graphs. Sets up numpy and scipy in a virtual environment
# under target/ (from PyPI) the first time.
#   bash benches/run.sh                     # the default sizes
#   bash benches/run.sh --sizes 20000x5000  # any `bleibe bench` options
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check numpy scipy
fi
cargo build --release --quiet
BLEIBE_BENCH_PYTHON="$venv/bin/python" ./target/release/bleibe bench --scipy "$@"
