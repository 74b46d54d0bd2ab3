#!/usr/bin/env bash
# Sets up futuramon in .venv. With --test, also the test tools and the real
# promtool, amtool, prometheus, alertmanager and vmalert (into .tools/bin).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  echo "python3 has no venv/ensurepip: installing Debian's python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "futuramon needs Python 3.11 or newer")'

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
  bash scripts/install-tools.sh
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
